// A county's roster spreadsheet: upload, say which column is which, the dry run with every bad
// row (downloadable), then the import with its progress. A fair's pre-registration list is the
// same file with a fair named: newcomers are registered and everyone is put on the fair's list.
import { useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { t } from './i18n.js';
import { CountySelect, Message, errorText, html, useApi } from './ui.js';

const FIELDS = [
  ['name', '姓名', 'Name'], ['id_number', '身份证号', 'ID number'], ['phone', '手机号', 'Mobile'],
  ['county_code', '户籍县代码', 'Home county code'], ['township', '乡镇', 'Township'], ['village', '村', 'Village'],
  ['poor_household', '建档立卡', 'Registered poor household'], ['education', '文化程度', 'Education'],
  ['skills', '技能', 'Skills'], ['desired_jobs', '意向工种', 'Jobs wanted'],
];
const REQUIRED = ['name', 'id_number'];
const POLL_MS = 1000;

/** A file as base64, for the JSON upload. */
function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',', 2)[1] || '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function ImportsScreen({ me }) {
  const [job, setJob] = useState(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [fairs] = useApi('/api/fairs?per_page=100');

  async function upload(event) {
    event.preventDefault();
    const file = event.target.elements.file.files[0];
    if (!file) return;
    setBusy(true);
    try {
      setJob(await apiFetch('/api/imports', { method: 'POST', body: { filename: file.name, content_base64: await base64Of(file) } }));
      setMessage('');
    } catch (error) {
      setMessage(errorText(error));
    }
    setBusy(false);
  }

  async function check(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const mapping = Object.fromEntries(FIELDS.map(([field]) => [field, form.get(`map.${field}`)]).filter(([, heading]) => heading));
    const body = { mapping, consent_on_paper: form.get('consent') === 'on',
      ...(form.get('county_code') && { county_code: form.get('county_code') }),
      ...(form.get('fair_id') && { fair_id: form.get('fair_id') }) };
    setBusy(true);
    try {
      setJob(await apiFetch(`/api/imports/${job.id}/check`, { method: 'POST', body }));
      setMessage('');
    } catch (error) {
      setMessage(errorText(error));
    }
    setBusy(false);
  }

  async function apply() {
    setBusy(true);
    const progress = setInterval(async () => {  // the apply answers at the end; meanwhile the job shows how far it got
      const seen = await apiFetch(`/api/imports/${job.id}`).catch(() => null);
      if (seen?.status === 'applying') setJob(seen);
    }, POLL_MS);
    try {
      setJob(await apiFetch(`/api/imports/${job.id}/apply`, { method: 'POST' }));
      setMessage('');
    } catch (error) {
      setMessage(errorText(error));
    }
    clearInterval(progress);
    setBusy(false);
  }

  return html`
    <section class="screen" id="imports" data-status=${job?.status || 'none'}>
      <h2>${t('名单导入', 'Roster import')}</h2>
      ${(!job || job.status === 'applied') && html`
        <form id="upload" onSubmit=${upload}>
          <label>${t('Excel（.xlsx）或 CSV 文件', 'An Excel (.xlsx) or CSV file')}
            <input type="file" name="file" required accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" /></label>
          <button type="submit" disabled=${busy}>${t('上传', 'Upload')}</button>
        </form>`}
      ${job && ['uploaded', 'checked'].includes(job.status) && html`
        <form id="mapping" onSubmit=${check}>
          <h3>${job.filename}：${job.total_rows} ${t('行', 'rows')}</h3>
          <p class="hint">${t('为每一项选择文件中的列（已按表头猜好）。', 'Choose the file\'s column for each field (guessed from the headings).')}</p>
          ${FIELDS.map(([field, zh, en]) => html`
            <label>${t(zh, en)}${REQUIRED.includes(field) ? ' *' : ''}<select name=${`map.${field}`} required=${REQUIRED.includes(field)}>
              <option value="">${t('— 无此列 —', '— Not in the file —')}</option>
              ${job.headings.map((heading) => html`<option value=${heading} selected=${job.mapping?.[field] === heading}>
                ${heading}</option>`)}</select></label>`)}
          <label>${t('没有县代码的行算作', 'Rows without a county code are from')}
            <${CountySelect} side="origin" name="county_code" value=${me.county_code || ''} required=${false} /></label>
          <label>${t('这是招聘会的预报名名单（可选）', 'A fair\'s pre-registration list (optional)')}<select name="fair_id">
            <option value="">${t('— 不是 —', '— No —')}</option>
            ${(fairs?.items || []).map((f) => html`<option value=${f.id} selected=${f.id === job.fair_id}>${f.name}（${f.date}）</option>`)}</select></label>
          <label class="check"><input type="checkbox" name="consent" required />
            ${t('名单上每个人都已签署书面同意书', 'Everyone on the list signed the paper consent')}</label>
          <button type="submit" disabled=${busy}>${t('检查（试导入，不登记）', 'Check (a dry run: nothing registered)')}</button>
        </form>`}
      ${job && job.status !== 'uploaded' && html`<${Report} job=${job} busy=${busy} onApply=${apply} />`}
      <${Message} text=${message} id="import-message" />
    </section>`;
}

function Report({ job, busy, onApply }) {
  const applying = job.status === 'applying';
  return html`
    <div class="report" id="import-report" data-valid=${job.valid_rows} data-problems=${job.problem_rows}
        data-imported=${job.imported_rows}>
      <p class="counts">${t('可导入', 'Good')} <b>${job.valid_rows}</b> · ${t('有问题', 'With problems')} <b>${job.problem_rows}</b>
        ${job.status === 'applied' && html` · ${t('已导入', 'Imported')} <b>${job.imported_rows}</b>`}</p>
      ${applying && html`<progress max=${job.valid_rows} value=${job.imported_rows}></progress>
        <p>${t('正在导入', 'Importing')} ${job.imported_rows} / ${job.valid_rows}</p>`}
      ${job.problem_rows > 0 && html`
        <a class="button secondary" href=${`/api/imports/${job.id}/report?format=xlsx`} download>${t('下载问题行（Excel）', 'Download the problems (Excel)')}</a>
        <table class="problems"><thead><tr><th>${t('行', 'Row')}</th><th>${t('姓名', 'Name')}</th><th>${t('问题', 'Problem')}</th></tr></thead>
          <tbody>${job.problems.slice(0, 100).map((p) => html`<tr data-row=${p.row}><td>${p.row}</td><td>${p.name}<br />${p.id_masked}</td>
            <td>${p.message}</td></tr>`)}</tbody></table>
        ${job.problems.length > 100 && html`<p class="hint">${t(`另有 ${job.problems.length - 100} 条，见下载文件。`, `${job.problems.length - 100} more in the download.`)}</p>`}`}
      ${job.status === 'checked' && html`<button type="button" id="apply-import" disabled=${busy || !job.valid_rows} onClick=${onApply}>
        ${t(`导入 ${job.valid_rows} 行`, `Import ${job.valid_rows} rows`)}</button>`}
    </div>`;
}
