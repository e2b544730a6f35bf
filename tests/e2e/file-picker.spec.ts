// The browser's file picker against the headless host: a dataset is imported by browsing to its manifest (no path
// is typed), the picker shows only folders and files that fit, goes up and back by breadcrumb, works from the
// keyboard, and opens next time in the folder it was last chosen from; a Hugging Face model folder is chosen as a
// whole with "Choose this folder" once the picker lists one holding model.onnx.
import fs from 'node:fs';
import path from 'node:path';
import { classifierKit, hfClassifierFolder } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';

/** A small dataset beside the workspace file, where the host starts browsing: four kit images and their manifest. */
function writeClientData(folder: string): string {
  fs.mkdirSync(path.join(folder, 'images'), { recursive: true });
  const rows = fs.readFileSync(path.join(classifierKit, 'manifest.csv'), 'utf8').trim().split('\n');
  const kept = rows.slice(1, 5);
  for (const row of kept) {
    const image = row.split(',')[1]!;
    fs.copyFileSync(path.join(classifierKit, image), path.join(folder, image));
  }
  fs.writeFileSync(path.join(folder, 'manifest.csv'), [rows[0], ...kept].join('\n') + '\n');
  fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a manifest\n');
  return path.join(folder, 'manifest.csv');
}

test('imports a dataset chosen by browsing the host with the picker', async ({ page, host }, testInfo) => {
  const home = path.dirname(host.workspaceFile);
  const manifest = writeClientData(path.join(home, 'client-data'));
  await page.goto(host.url);
  await expect(page.getByTestId('datasets-empty')).toBeVisible();

  await page.getByTestId('dataset-path-browse').click();
  const picker = page.getByTestId('file-picker');
  await expect(picker).toBeVisible();
  const entries = picker.getByTestId('file-picker-entry');
  // It starts in the workspace's folder; the workspace file itself is no CSV manifest and is not offered.
  await expect(picker.getByTestId('file-picker-crumbs')).toContainText(path.basename(home));
  await expect(entries.filter({ hasText: 'client-data/' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'workspace.sqlite' })).toHaveCount(0);

  await entries.filter({ hasText: 'client-data/' }).dblclick();
  await expect(entries.filter({ hasText: 'manifest.csv' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'images/' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'notes.txt' })).toHaveCount(0);
  await expect(picker.getByTestId('file-picker-note')).toContainText('1 other file not shown');

  // Up, then back down by keyboard: arrows move, Enter opens the folder.
  await picker.getByTestId('file-picker-up').click();
  await expect(entries.filter({ hasText: 'client-data/' })).toHaveCount(1);
  await entries.filter({ hasText: 'client-data/' }).focus();
  await page.keyboard.press('Enter');
  await expect(entries.filter({ hasText: 'manifest.csv' })).toHaveCount(1);

  await expect(picker.getByTestId('file-picker-choose')).toBeDisabled();
  await entries.filter({ hasText: 'manifest.csv' }).click();
  await expect(picker.getByTestId('file-picker-choice')).toHaveText(manifest);
  await page.screenshot({ path: testInfo.outputPath('file-picker.png') });
  await picker.getByTestId('file-picker-choose').click();
  await expect(picker).toHaveCount(0);
  await expect(page.getByTestId('dataset-path')).toHaveValue(manifest);

  await page.getByTestId('dataset-import').click();
  await expect(page.getByTestId('datasets-table')).toContainText('client-data', { timeout: 60_000 });

  // Next time (in a new form) it opens where the manifest was chosen; Escape closes it and leaves the field as it was.
  await page.getByTestId('toggle-dataset-import').click();
  await page.getByTestId('dataset-path-browse').click();
  await expect(entries.filter({ hasText: 'manifest.csv' })).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(picker).toHaveCount(0);
  await expect(page.getByTestId('dataset-path')).toHaveValue('');
});

test('a model field browses for ONNX files only, and a crumb leads back up', async ({ page, host }) => {
  const home = path.dirname(host.workspaceFile);
  const models = path.join(home, 'models');
  fs.mkdirSync(models);
  fs.copyFileSync(path.join(classifierKit, 'target.onnx'), path.join(models, 'target.onnx'));
  fs.writeFileSync(path.join(models, 'readme.md'), 'notes\n');
  await page.goto(host.url);
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-modelPath-browse').click();
  const picker = page.getByTestId('file-picker');
  const entries = picker.getByTestId('file-picker-entry');
  await entries.filter({ hasText: 'models/' }).dblclick();
  await expect(entries.filter({ hasText: 'target.onnx' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'readme.md' })).toHaveCount(0);
  await picker.getByRole('button', { name: path.basename(home), exact: true }).click();
  await expect(entries.filter({ hasText: 'models/' })).toHaveCount(1);
  await entries.filter({ hasText: 'models/' }).dblclick();
  await entries.filter({ hasText: 'target.onnx' }).dblclick();
  await expect(page.getByTestId('model-modelPath')).toHaveValue(path.join(models, 'target.onnx'));
});

test('a classifier field chooses a Hugging Face model folder as a whole, and imports it', async ({ page, host }) => {
  const home = path.dirname(host.workspaceFile);
  const folder = path.join(home, 'hf-classifier');
  fs.cpSync(hfClassifierFolder, folder, { recursive: true });
  await page.goto(host.url);
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-modelPath-browse').click();
  const picker = page.getByTestId('file-picker');
  const entries = picker.getByTestId('file-picker-entry');
  const chooseFolder = picker.getByTestId('file-picker-choose-folder');
  // The workspace's folder holds no model.onnx: it can only be walked through.
  await expect(entries.filter({ hasText: 'hf-classifier/' })).toHaveCount(1);
  await expect(chooseFolder).toBeDisabled();
  await entries.filter({ hasText: 'hf-classifier/' }).dblclick();
  await expect(entries.filter({ hasText: 'model.onnx' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'config.json' })).toHaveCount(0);
  await expect(chooseFolder).toBeEnabled();
  await expect(picker.getByTestId('file-picker-choice')).toHaveText(folder);
  await chooseFolder.click();
  await expect(picker).toHaveCount(0);
  await expect(page.getByTestId('model-modelPath')).toHaveValue(folder);

  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toBeVisible({ timeout: 60_000 });
  // Next time it opens beside the chosen folder, where other model folders would be.
  await page.getByTestId('model-modelPath-browse').click();
  await expect(entries.filter({ hasText: 'hf-classifier/' })).toHaveCount(1);
  await expect(chooseFolder).toBeDisabled();
});
