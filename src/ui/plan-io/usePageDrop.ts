import { useEffect, useState } from 'react';
import { ROLE_CODES, type RoleCode } from '../../engine/index.ts';
import { useStore } from '../../store/store.ts';
import { useImportPlan } from './useImportPlan.ts';

/** Text files dropped on a role box add their addresses to it; bigger ones are refused. */
const MAX_ADDRESS_FILE = 4 * 1024 * 1024;

function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}

function roleUnder(target: EventTarget | null): RoleCode | undefined {
  if (!(target instanceof Element)) return undefined;
  const card = target.closest('.role-card');
  const role = card?.id.replace(/^role-/, '');
  return role !== undefined && (ROLE_CODES as readonly string[]).includes(role) ? (role as RoleCode) : undefined;
}

/**
 * Drag and drop anywhere on the page: a plan file is opened (as with "Open plan file…"); a text
 * file dropped on a role box adds its lines to that role. Returns whether files are being dragged.
 */
export function usePageDrop(): boolean {
  const importPlan = useImportPlan();
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const onLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      const role = roleUnder(e.target);
      if (role && !/\.json$/i.test(file.name)) {
        if (file.size > MAX_ADDRESS_FILE) {
          useStore.getState().showToast(`${file.name} is larger than 4 MB: paste the addresses instead.`);
          return;
        }
        void file.text().then((text) => {
          const s = useStore.getState();
          const before = s.roleText[role] ?? '';
          s.setRoleText(role, before.trim() === '' ? text : `${before.replace(/\n*$/, '')}\n${text}`);
          s.showToast(`Added the lines of ${file.name} to ${role}.`);
        });
        return;
      }
      void importPlan(file);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [importPlan]);
  return dragging;
}
