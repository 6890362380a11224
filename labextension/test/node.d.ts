// The few declarations of Node's built-in test runner these tests use (no @types/node here).
declare module 'node:test' {
  export function describe(name: string, body: () => void): void;
  export function it(name: string, body: () => void | Promise<void>): void;
}

declare module 'node:assert/strict' {
  interface IAssert {
    (value: unknown, message?: string): asserts value;
    equal<T>(actual: T, expected: T, message?: string): void;
    deepEqual<T>(actual: T, expected: T, message?: string): void;
    match(actual: string, expected: RegExp, message?: string): void;
    ok(value: unknown, message?: string): asserts value;
  }
  const assert: IAssert;
  export default assert;
}
