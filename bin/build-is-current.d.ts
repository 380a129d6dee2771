/** Whether dist/ holds a compiled file at least as new as every source file it is built from. */
export function buildIsCurrent(): boolean;
