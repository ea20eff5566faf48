import type { StateCreator } from 'zustand';
import type { ExportSlice } from './slices/exportSlice.ts';
import type { NoticeSlice } from './slices/noticeSlice.ts';
import type { PlanSlice } from './slices/planSlice.ts';
import type { RulesTableSlice } from './slices/rulesTableSlice.ts';
import type { UiSlice } from './slices/uiSlice.ts';

export type StoreState = PlanSlice & UiSlice & ExportSlice & RulesTableSlice & NoticeSlice;

/** Every slice is written against the combined store and its middleware (persist outside, undo inside). */
export type SliceCreator<Slice> = StateCreator<StoreState, [['zustand/persist', unknown], ['temporal', unknown]], [], Slice>;
