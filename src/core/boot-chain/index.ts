export * from './model';
export * from './survey';
