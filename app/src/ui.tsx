// Small shared pieces of the console's pages.
import {
  createContext,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type ComponentProps,
  type ReactNode,
} from "react";

import type { ChangeRow } from "../../scripts/lib/council";
import type { System } from "./chain";
import { errorText } from "./untrusted";
import type { Connection, DiscoveredWallet } from "./wallet";

export interface AppContext {
  system: System;
  /** Changes on every new block and after every action: what pages re-read on. */
  tick: number;
  refresh(): void;
  connection: Connection | null;
  /** The wallet to send and sign with: set only when connected to the deployment's chain. */
  wallet: DiscoveredWallet | null;
  account: string | null;
  now: number;
  blockNumber: number;
}

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("no app context");
  return ctx;
}

/** Runs `load` whenever `deps` change (and on every tick); keeps the last value while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | null } {
  const { tick } = useApp();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
      },
      // The message may quote the node or a file: escaped (./untrusted).
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick, ...deps]);
  return { data, error };
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function Hex({ value, label }: { value: string; label: string }) {
  return (
    <code className="hex" aria-label={label} data-testid={label.replace(/\s+/g, "-")}>
      {value}
    </code>
  );
}

/**
 * A box for what may be wider than a phone's screen (a table, the audit's timeline): it scrolls sideways inside
 * itself, so the page never does. It is a region named `label`; while it scrolls, the Tab key stops on it, so that a
 * keyboard user can scroll it with the arrow keys (a box that does not scroll is no tab stop).
 */
export function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  const measure = () => {
    const el = box.current;
    if (el) setScrolls(el.scrollWidth > el.clientWidth + 1);
  };
  // After every render (rows come and go with each block) and whenever the box or its content is resized.
  useLayoutEffect(measure);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    for (const child of el.children) observer.observe(child);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} className="scroll-box" role="region" aria-label={label} tabIndex={scrolls ? 0 : undefined}>
      {children}
    </div>
  );
}

/** A table in its own ScrollBox, which `label` names (the caption, or a shorter name for it). */
export function Table({ label, ...table }: { label: string } & ComponentProps<"table">) {
  return (
    <ScrollBox label={label}>
      <table {...table} />
    </ScrollBox>
  );
}

export const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

/**
 * A policy change as a before / after / effect table, one row per changed field (the rows the CLI prints). With
 * `empty`, a change of nothing shows that text in one row.
 */
export function ChangesTable(props: { rows: ChangeRow[]; caption: string; testId: string; empty?: string }) {
  const { rows, caption, testId, empty } = props;
  return (
    <Table label={caption} data-testid={testId} className="changes">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
          <th scope="col">Effect</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && empty !== undefined ? (
          <tr>
            <td colSpan={4}>{empty}</td>
          </tr>
        ) : (
          rows.map((r) => (
            <tr key={r.field} className={r.effect}>
              <td>{r.field}</td>
              <td>{r.before}</td>
              <td>{r.after}</td>
              <td>{r.effect}</td>
            </tr>
          ))
        )}
      </tbody>
    </Table>
  );
}
