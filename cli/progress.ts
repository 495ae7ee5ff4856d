import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr for a terminal, a line every 10% otherwise (CI logs, pipes). */
export function createProgress(label: string) {
  const tty = Boolean(process.stderr.isTTY);
  const bar = tty ? new SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}%`, stream: process.stderr }, Presets.shades_classic) : undefined;
  let started = false;
  let lastDecile = -1;
  return {
    update(value: number, total: number) {
      if (bar) {
        if (!started) bar.start(total, value);
        else bar.setTotal(total);
        bar.update(value);
        started = true;
        return;
      }
      const decile = total === 0 ? 10 : Math.floor((value / total) * 10);
      if (decile !== lastDecile) {
        process.stderr.write(`${label}: ${value}/${total}\n`);
        lastDecile = decile;
      }
    },
    stop() {
      if (started) bar?.stop();
    },
  };
}
