/**
 * `Promise.withResolvers` for Node 20. aws-local-stepfunctions calls it in every Task state; Node
 * ships it from 22. Import this module before the library.
 */

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseWithOptionalResolvers = PromiseConstructor & {
  withResolvers?: <T>() => Resolvers<T>;
};

function withResolvers<T>(): Resolvers<T> {
  let resolve: Resolvers<T>["resolve"] = () => {};
  let reject: Resolvers<T>["reject"] = () => {};
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

if (typeof (Promise as PromiseWithOptionalResolvers).withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    value: withResolvers,
    writable: true,
    configurable: true,
  });
}
