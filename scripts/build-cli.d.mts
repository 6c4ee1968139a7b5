/** Types of scripts/build-cli.mjs, for the tests and benchmarks that call it. */
export declare const BUILD_DIR: string;
export declare function buildCli(buildDir?: string): Promise<string>;
export declare function builtCli(buildDir?: string): { entry: string } | { reason: string };
