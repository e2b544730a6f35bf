// Choosing files and folders to import: asks the front door (the app answers with its native dialog, the headless
// host with where the page's own picker starts), lists folders for that picker, and remembers, for this page
// session only, the last folder the picker chose from for each purpose.
import { defineStore } from 'pinia';
import type { ChooseOpenAnswer, FolderListing, OpenPurpose } from '../../src-shared/contract/contract';
import { api } from '../api';

export const useFilesStore = defineStore('files', () => {
  // Not reactive: nothing is drawn from it, it only seeds the next picker.
  const lastFolders = new Map<OpenPurpose, string>();

  function chooseOpen(purpose: OpenPurpose): Promise<ChooseOpenAnswer> {
    return api.files.chooseOpen({ purpose });
  }

  function listFolder(path: string, showHidden: boolean): Promise<FolderListing> {
    return api.files.list({ path, showHidden });
  }

  /** Where the picker opens: the last folder chosen from for this purpose, else where the host says. */
  function startFolderFor(purpose: OpenPurpose, hostStart: string): string {
    return lastFolders.get(purpose) ?? hostStart;
  }

  function rememberFolder(purpose: OpenPurpose, folder: string): void {
    lastFolders.set(purpose, folder);
  }

  return { chooseOpen, listFolder, startFolderFor, rememberFolder };
});
