/**
 * An AbortSignal that fires on the first SIGINT or SIGTERM, for one-shot commands (export, run).
 * The command unwinds through its cleanup and exits 130 (SIGINT) or 143 (SIGTERM).
 */
export function abortOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      if (controller.signal.aborted) process.exit(name === 'SIGINT' ? 130 : 143);
      process.exitCode = name === 'SIGINT' ? 130 : 143;
      controller.abort(name);
    };
    process.on(name, handler);
    return () => process.off(name, handler);
  });
  return { signal: controller.signal, dispose: () => handlers.forEach((off) => off()) };
}
