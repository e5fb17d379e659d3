import * as core from '../../src/core/index';

test('the public API exports the engine, the planner, the executor and the error type', () => {
  expect(typeof core.runJob).toBe('function');
  expect(typeof core.makePlan).toBe('function');
  expect(typeof core.executePlan).toBe('function');
  expect(typeof core.ReflashError).toBe('function');
  expect(core.PLAN_VERSION).toBe(1);
  expect(core.SECTOR_SIZE).toBe(4096);
  expect(new core.ReflashError('DEST_ALIGN', 'x').code).toBe('DEST_ALIGN');
});
