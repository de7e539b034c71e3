export function serverNodeFlags(env?: Record<string, string | undefined>): string[];
export function serverEnv<E extends Record<string, string | undefined>>(env?: E): E & { MALLOC_ARENA_MAX: string };
