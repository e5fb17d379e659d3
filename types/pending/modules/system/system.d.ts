export function restart(): never;
export function freeHeap(): number;
export function ticks(): number;
