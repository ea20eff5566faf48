import { useEffect, useState } from 'react';
import { LIST_ROLES, type GroupRole } from '../../engine/index.ts';
import type { TextRole } from '../../store/slices/planSlice.ts';
import { useStore } from '../../store/store.ts';
import { useImportPlan } from './useImportPlan.ts';

/** Text files dropped on a role box add their addresses to it; bigger ones are refused. */
const MAX_ADDRESS_FILE = 4 * 1024 * 1024;

function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}

type Box = { kind: 'role'; role: TextRole } | { kind: 'group'; role: GroupRole; index: number };

/** The text box a drop landed on: a card carries data-box="role:NTP" or data-box="group:DVC:2". */
function boxUnder(target: EventTarget | null): Box | undefined {
  if (!(target instanceof Element)) return undefined;
  const box = target.closest('[data-box]')?.getAttribute('data-box') ?? '';
  const role = /^role:([A-Z]+)$/.exec(box)?.[1];
  if (role !== undefined && (role === 'PRD' || role === 'MBR' || (LIST_ROLES as readonly string[]).includes(role))) return { kind: 'role', role: role as TextRole };
  const group = /^group:(USERW|DVC):(\d+)$/.exec(box);
  if (group) return { kind: 'group', role: group[1] as GroupRole, index: Number(group[2]) };
  return undefined;
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
      const box = boxUnder(e.target);
      if (box && !/\.json$/i.test(file.name)) {
        if (file.size > MAX_ADDRESS_FILE) {
          useStore.getState().showToast(`${file.name} is larger than 4 MB: paste the addresses instead.`);
          return;
        }
        void file.text().then((text) => {
          const s = useStore.getState();
          const before = box.kind === 'role' ? (s.roleText[box.role] ?? '') : (s.groupText[box.role][box.index] ?? '');
          const after = before.trim() === '' ? text : `${before.replace(/\n*$/, '')}\n${text}`;
          if (box.kind === 'role') s.setRoleText(box.role, after);
          else s.setGroupText(box.role, box.index, after);
          const where = box.kind === 'role' ? box.role : `${box.role} group “${s.plan[box.role === 'USERW' ? 'userGroups' : 'deviceGroups'][box.index]?.name ?? ''}”`;
          s.showToast(`Added the lines of ${file.name} to ${where}.`);
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
