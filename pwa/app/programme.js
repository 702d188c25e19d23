// 地区与工作站: the program's regions as the office edits them. Each origin prefecture with its
// counties (both codes) and each county's workstation in the destination — name, address, phone,
// staff, the day it was set up — which workers' phones and newly printed cards show (an admin edits
// any county's, a county office its own; the workstation reads it). An admin adds a prefecture, or a
// county under one: from then on fairs, batches, registrations, cards and reports take it, since
// every screen reads the counties from here (`forgetRegions`). Needs the network; the server checks
// every code against the national table and its refusals are shown beside the fields.
import { useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { pick, t } from './i18n.js';
import { parseStaff, staffLine } from './lib/staff.js';
import { Message, done, errorText, forgetRegions, formValues, html, useApi } from './ui.js';

const STATION_FIELDS = [['name', '工作站名称', 'Name', 'text', '通渭县驻福州劳务工作站'],
  ['address', '地址', 'Address', 'text', '福州市仓山区…'], ['phone', '电话', 'Phone', 'tel', '0591-87654321'],
  ['established_on', '设立日期', 'Set up on', 'date', '']];

export function Regions({ me }) {
  const [regions, error, reload] = useApi('/api/regions');
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState(null);
  const admin = me.role === 'admin';
  const may = (code) => admin || (me.role === 'county' && me.county_code === code);
  const all = regions?.origin?.counties || [];
  const counties = admin ? all : all.filter((c) => c.code === me.county_code);
  const prefectures = (regions?.prefectures || []).filter((p) => p.side === 'origin'
    && counties.some((c) => c.prefecture_code === p.code));
  function saved(text) {
    setEditing(null);
    setNotice(done(text));
    forgetRegions();
    reload();
    // the forms are below the list: the word that it went through is brought into view
    setTimeout(() => document.getElementById('regions-message')?.scrollIntoView({ block: 'center' }));
  }
  return html`
    <p class="hint">${t('工人的手机和新打印的卡片显示本县工作站的名称和电话；未设置电话时显示全国人社服务热线。',
      "Workers' phones and newly printed cards show their county workstation's name and number; with no number, the national service line.")}</p>
    ${me.role === 'workstation' && html`<p class="hint" id="read-only">${t('工作站信息由县人社局或市人社局填写。', 'The county or city HR office keeps this.')}</p>`}
    <${Message} text=${notice || error} id="regions-message" />
    ${prefectures.map((p) => html`
      <h3 class="prefecture" data-prefecture=${p.code}>${p.province} ${p.name} <small>${p.code}</small></h3>
      <ul class="list workstations">${counties.filter((c) => c.prefecture_code === p.code).map((c) => html`
        <li data-county=${c.code}>
          <b>${c.name}</b> <small class="codes">${c.code}${c.former_code ? t(`（原 ${c.former_code}）`, ` (formerly ${c.former_code})`) : ''}</small>
          <${StationSummary} county=${c} />
          ${may(c.code) && editing !== c.code && html`<button type="button" class="secondary edit-workstation"
            onClick=${() => { setEditing(c.code); setNotice(null); }}>${t('编辑工作站', 'Edit the workstation')}</button>`}
          ${editing === c.code && html`<${WorkstationForm} county=${c} onCancel=${() => setEditing(null)}
            onSaved=${(s) => saved(t(`已保存：${s.county_name}的工人今后看到 ${s.shown_to_workers}。`,
              `Saved: workers of ${s.county_name} now see ${s.shown_to_workers}.`))} />`}
        </li>`)}</ul>`)}
    ${admin && regions && html`
      <${AddCounty} prefectures=${regions.prefectures}
        onSaved=${(c) => saved(t(`已加入：${c.name}（${c.code}）。招聘会、登记、卡片和报表即可使用。`,
          `Added: ${c.name} (${c.code}). Fairs, registration, cards and reports take it now.`))} />
      <${AddPrefecture} onSaved=${(p) => saved(t(`已加入：${p.name}（${p.code}）。请再添加它的县区。`,
        `Added: ${p.name} (${p.code}). Now add its counties.`))} />
      <details class="destination"><summary>${t('输入地区县', 'Destination districts')}（${regions.destination.counties.length}）</summary>
        <ul class="list">${regions.destination.counties.map((c) => html`<li data-county=${c.code}>${c.name} <small>${c.code}</small></li>`)}</ul>
      </details>`}`;
}

function StationSummary({ county }) {
  const station = county.workstation || {};
  return html`<div class="station">
    <p>${station.name || t('工作站名称未填', 'No workstation name yet')}</p>
    <p class="number">${station.phone
      ? html`<a class="call" href=${`tel:${station.phone}`}>${station.phone}</a>`
      : t(`电话未设置（工人看到 ${county.shown_to_workers}）`, `No phone (workers see ${county.shown_to_workers})`)}</p>
    ${station.address && html`<p class="address">${station.address}</p>`}
    ${station.staff?.length > 0 && html`<p class="staff">${t('驻站人员', 'Staff')}：${station.staff.map(staffLine).join('；')}</p>`}
  </div>`;
}

/** Every message in a field's errors, however deep (a staff member's phone: `{staff: {0: {phone: […]}}}`). */
function messagesOf(value) {
  if (Array.isArray(value)) return value.flatMap(messagesOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(messagesOf);
  return [pick(String(value))];
}

/** A field's messages from the server, beside it. */
function Problem({ errors, name }) {
  if (!errors?.[name]) return null;
  return html`<p class="field-error" role="alert" id=${`${name}-error`}>${messagesOf(errors[name]).join(' ')}</p>`;
}

function WorkstationForm({ county, onSaved, onCancel }) {
  const [errors, setErrors] = useState(null);
  const [problem, setProblem] = useState('');
  const station = county.workstation || {};
  async function send(form) {
    setErrors(null);
    setProblem('');
    const values = Object.fromEntries(STATION_FIELDS.map(([name]) => [name, form.elements[name].value.trim() || null]));
    const body = { ...values, staff: parseStaff(form.elements.staff.value) };
    try {
      onSaved(await apiFetch(`/api/regions/${county.code}/workstation`, { method: 'PATCH', body }));
    } catch (error) {
      setErrors(error.errors || null);
      setProblem(error.errors ? t('未保存：请更正标出的内容。', 'Not saved: correct what is marked.') : errorText(error));
    }
  }
  return html`
    <form class="workstation-form" id="workstation-form" data-county=${county.code} noValidate
      onSubmit=${(e) => { e.preventDefault(); send(e.target); }}>
      ${STATION_FIELDS.map(([name, zh, en, type, placeholder]) => html`
        <label>${t(zh, en)}<input type=${type} name=${name} autocomplete="off" defaultValue=${station[name] || ''}
          placeholder=${placeholder} /></label>
        ${name === 'phone' && html`<p class="hint">${t('座机请带区号，如 0591-87654321；也可填手机号。', 'A landline with its area code, e.g. 0591-87654321, or a mobile.')}</p>`}
        <${Problem} errors=${errors} name=${name} />`)}
      <label>${t('驻站人员（每行一人：职务 姓名 电话）', 'Staff (one a line: duty, name, phone)')}
        <textarea name="staff" rows="3" placeholder="站长 王建军 13912345678">${(station.staff || []).map(staffLine).join('\n')}</textarea></label>
      <${Problem} errors=${errors} name="staff" />
      <${Message} text=${problem} id="workstation-problem" />
      <div class="pair"><button type="button" class="secondary" onClick=${onCancel}>${t('取消', 'Cancel')}</button>
        <button type="submit">${t('保存', 'Save')}</button></div>
    </form>`;
}

function useAdding(path, onSaved) {
  const [errors, setErrors] = useState(null);
  const [problem, setProblem] = useState('');
  async function send(form) {
    setErrors(null);
    setProblem('');
    try {
      const added = await apiFetch(path, { method: 'POST', body: formValues(form) });
      form.reset();
      onSaved(added);
    } catch (error) {
      setErrors(error.errors || null);
      setProblem(error.errors ? t('未添加：请更正标出的内容。', 'Not added: correct what is marked.') : errorText(error));
    }
  }
  return [errors, problem, send];
}

function AddCounty({ prefectures, onSaved }) {
  const [errors, problem, send] = useAdding('/api/regions/counties', onSaved);
  const field = (name, zh, en, extra = {}) => html`
    <label>${t(zh, en)}<input name=${name} autocomplete="off" ...${extra} /></label><${Problem} errors=${errors} name=${name} />`;
  return html`
    <details class="add" id="add-county"><summary>${t('添加县区', 'Add a county')}</summary>
      <form id="county-form" noValidate onSubmit=${(e) => { e.preventDefault(); send(e.target); }}>
        <label>${t('所属地级市', 'Prefecture')}<select name="prefecture_code" required>
          ${prefectures.map((p) => html`<option value=${p.code}>${p.name}（${p.code}）</option>`)}</select></label>
        <${Problem} errors=${errors} name="prefecture_code" />
        ${field('code', '县级代码（现行）', 'County code (current)', { inputmode: 'numeric', maxlength: 6, placeholder: '621202' })}
        ${field('name', '名称', 'Name', { placeholder: '武都区' })}
        ${field('pinyin', '拼音', 'Pinyin', { placeholder: 'Wǔdū Qū' })}
        ${field('former_code', '原代码（旧身份证号上的）', 'Former code (on older ID numbers)', { inputmode: 'numeric', maxlength: 6, placeholder: '622621' })}
        ${field('former_name', '原名称', 'Former name', { placeholder: '武都县' })}
        <${Message} text=${problem} id="county-problem" />
        <button type="submit">${t('添加', 'Add')}</button>
      </form>
    </details>`;
}

function AddPrefecture({ onSaved }) {
  const [errors, problem, send] = useAdding('/api/regions/prefectures', onSaved);
  const field = (name, zh, en, extra = {}) => html`
    <label>${t(zh, en)}<input name=${name} autocomplete="off" ...${extra} /></label><${Problem} errors=${errors} name=${name} />`;
  return html`
    <details class="add" id="add-prefecture"><summary>${t('添加输出地（地级市）', 'Add an origin prefecture')}</summary>
      <form id="prefecture-form" noValidate onSubmit=${(e) => { e.preventDefault(); send(e.target); }}>
        ${field('code', '地级代码', 'Prefecture code', { inputmode: 'numeric', maxlength: 6, placeholder: '621200' })}
        ${field('name', '名称', 'Name', { placeholder: '陇南市' })}
        ${field('province', '省份', 'Province', { placeholder: '甘肃省' })}
        ${field('pinyin', '拼音', 'Pinyin', { placeholder: 'Lǒngnán Shì' })}
        <${Message} text=${problem} id="prefecture-problem" />
        <button type="submit">${t('添加', 'Add')}</button>
      </form>
    </details>`;
}
