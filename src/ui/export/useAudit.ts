import { useEffect, useRef, useState } from 'react';
import type { LoadedFile } from '../../engine/audit.ts';
import type { Plan, RuleSet, Scope } from '../../engine/index.ts';
import { TODAY } from '../../store/selectors.ts';
import { auditView, type AuditView } from './audit-model.ts';
import type { AuditAnswer, AuditRequest } from './audit.worker.ts';

/**
 * The audit of `files` against the plan as the Export view scopes it, worked out in a Web Worker of
 * its own (./audit.worker.ts) while the page goes on answering; `busy` while a newer audit than the
 * one shown is being made. Where there is no Worker, or it fails, the audit runs on this thread
 * as before. The worker lives as long as the panel.
 */
export function useAudit(plan: Plan, ruleSet: RuleSet, scope: Scope, files: readonly LoadedFile[] | undefined): { view: AuditView | undefined; busy: boolean } {
  const [shown, setShown] = useState<{ id: number; view: AuditView } | undefined>();
  const [asked, setAsked] = useState(0);
  const worker = useRef<Worker | null | undefined>(undefined);
  const nextId = useRef(0);

  useEffect(
    () => () => {
      worker.current?.terminate();
      worker.current = null;
    },
    [],
  );

  useEffect(() => {
    if (!files || files.length === 0) {
      setShown(undefined);
      setAsked(0);
      return;
    }
    const id = ++nextId.current;
    const onThisThread = () => setShown({ id, view: auditView(plan, ruleSet, scope, files) });
    if (worker.current === undefined) {
      try {
        worker.current = typeof Worker === 'function' ? new Worker(new URL('./audit.worker.ts', import.meta.url), { type: 'module', name: 'fwplan-audit' }) : null;
      } catch {
        worker.current = null;
      }
      const w = worker.current;
      if (w) {
        w.onmessage = (e: MessageEvent<AuditAnswer>) => {
          const a = e.data;
          // an answer to an audit that a newer one replaced is dropped
          if (a.id !== nextId.current) return;
          setShown({ id: a.id, view: 'view' in a ? a.view : { ok: false, errors: [`the audit failed: ${a.failure}`] } });
        };
        w.onerror = (e) => {
          e.preventDefault();
          w.terminate();
          worker.current = null;
        };
      }
    }
    const w = worker.current;
    setAsked(id);
    if (!w) {
      onThisThread();
      return;
    }
    const request: AuditRequest = { id, plan, today: TODAY, scope, files };
    w.postMessage(request);
  }, [plan, ruleSet, scope, files]);

  const busy = asked !== 0 && shown?.id !== asked;
  return { view: asked === 0 ? undefined : shown?.view, busy };
}
