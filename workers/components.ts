/** The parts of the bridge one process can run (BRIDGE_COMPONENTS). */
export const COMPONENTS = ['worker', 'dispatcher', 'http'] as const;
export type Component = (typeof COMPONENTS)[number];

/** `worker,dispatcher` → the set; unset or empty → all three. An unknown name is an error that lists the known ones. */
export function bridgeComponents(value: string | undefined): Set<Component> {
  const names = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return new Set(COMPONENTS);
  for (const name of names) {
    if (!(COMPONENTS as readonly string[]).includes(name)) throw new Error(`BRIDGE_COMPONENTS: unknown part "${name}" (known: ${COMPONENTS.join(', ')})`);
  }
  return new Set(names as Component[]);
}
