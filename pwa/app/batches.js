// Transfer batches for the county: organise one, build its roster from a fair's intentions (or
// person by person), name a team leader for each township sending more than 20, and the
// roll-call at departure — everyone present but the ticked exceptions. Then the arrival board.
import { useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { CardSheetButton } from './cardsheet.js';
import { t } from './i18n.js';
import { AskWhy, CountySelect, Message, done, errorText, formValues, html, shortTime, useApi, withOffset } from './ui.js';

export function BatchesScreen({ me, route, scanner }) {
  if (route[0] === 'new') return html`<${OrganiseBatch} me=${me} />`;
  if (route[0] && route[1] === 'scan') return scanner(route[0]);
  if (route[0]) return html`<${BatchPage} batchId=${route[0]} />`;
  return html`<${BatchList} />`;
}

function BatchList() {
  const [page, error] = useApi('/api/batches?per_page=100');
  return html`
    <section class="screen" id="batches">
      <h2>${t('输送批次', 'Transfer batches')}</h2>
      <a class="button" href="#batches/new">${t('组织新批次', 'Organise a batch')}</a>
      <${Message} text=${error} />
      <ul class="list">${(page?.items || []).map((b) => html`
        <li><a href=${`#batches/${b.id}`} data-batch=${b.id}><b>${b.name}</b>
          <span>${shortTime(b.departs_at)} ${b.train_number} → ${b.destination_station}
            · ${b.status === 'departed' ? t('已出发', 'departed') : t('待出发', 'planned')}</span></a></li>`)}
        ${page && !page.items.length && html`<li>${t('还没有批次。', 'No batches yet.')}</li>`}</ul>
    </section>`;
}

function OrganiseBatch({ me }) {
  const [employers] = useApi('/api/employers');
  const [message, setMessage] = useState('');
  const [pastAgreed, setPastAgreed] = useState('');  // the departure time in the past the clerk confirmed
  async function submit(event) {
    event.preventDefault();
    const form = event.target;
    const values = formValues(form);
    delete values.employer;
    if (new Date(withOffset(values.departs_at)) < new Date() && pastAgreed !== values.departs_at) {
      setPastAgreed(values.departs_at);  // recording a batch that left already is allowed: once it is said
      setMessage(t('出发时间已过：如是补录已出发的批次，请再点一次“保存”；否则请改正出发时间。',
        'The departure time has passed: tap Save again to record a batch that already left, or correct the time.'));
      return;
    }
    const body = { ...values, departs_at: withOffset(values.departs_at),
      expected_arrival_at: withOffset(values.expected_arrival_at),
      employer_ids: [...form.querySelectorAll('[name=employer]:checked')].map((c) => c.value) };
    try {
      const batch = await apiFetch('/api/batches', { method: 'POST', body });
      window.location.hash = `#batches/${batch.id}`;
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  return html`
    <form class="screen" id="organise-batch" onSubmit=${submit}>
      <h2>${t('组织新批次', 'Organise a batch')}</h2>
      <label>${t('名称', 'Name')}<input name="name" required placeholder="通渭—福州 2027年第1批" /></label>
      <label>${t('输出县', 'Origin county')}<${CountySelect} side="origin" name="origin_county_code" value=${me.county_code || ''} /></label>
      <label>${t('出发站', 'Departure station')}<input name="departure_station" required /></label>
      <label>${t('出发时间', 'Departs')}<input type="datetime-local" name="departs_at" required /></label>
      <div class="pair">
        <label>${t('车次', 'Train')}<input name="train_number" required /></label>
        <label>${t('车厢', 'Carriages')}<input name="carriages" /></label>
      </div>
      <label>${t('到达站', 'Destination station')}<input name="destination_station" required /></label>
      <label>${t('预计到达', 'Expected arrival')}<input type="datetime-local" name="expected_arrival_at" required /></label>
      <fieldset><legend>${t('接收的用工企业', 'Employers receiving')}</legend>
        ${(employers || []).map((e) => html`<label class="check"><input type="checkbox" name="employer" value=${e.id} /> ${e.name}</label>`)}
      </fieldset>
      <button type="submit">${t('保存', 'Save')}</button>
      <${Message} text=${message} />
    </form>`;
}

function BatchPage({ batchId }) {
  const [batch, error, reload] = useApi(`/api/batches/${batchId}`);
  if (!batch) return html`<section class="screen"><${Message} text=${error || t('正在加载…', 'Loading…')} /></section>`;
  const planned = batch.status === 'planned';
  const byTownship = {};
  for (const member of batch.roster) (byTownship[member.township || ''] ||= []).push(member);
  const leaders = Object.fromEntries(batch.team_leaders.map((l) => [l.township, l]));
  return html`
    <section class="screen" id="batch" data-batch=${batch.id} data-status=${batch.status} data-roster=${batch.roster.length}>
      <h2>${batch.name}</h2>
      <p>${batch.departure_station} ${shortTime(batch.departs_at)} · ${batch.train_number} ${batch.carriages || ''}
        → ${batch.destination_station} ${shortTime(batch.expected_arrival_at)}</p>
      <p>${t('接收企业', 'Receiving')}：${batch.employers.map((e) => e.name).join('、') || '—'}</p>
      ${Object.entries(batch.needs_team_leader).map(([township, people]) => html`
        <p class="warning" data-township=${township}>${t(`${township || '未填乡镇'} ${people} 人，须指定本乡镇的带队人才能出发。`,
          `${people} people from ${township || 'no township'}: name a team leader from there before departure.`)}</p>`)}
      ${Object.entries(byTownship).map(([township, members]) => html`
        <details open=${planned} class="township" data-township=${township}>
          <summary>${township || t('未填乡镇', 'No township')}：${members.length} ${t('人', 'people')}
            ${leaders[township] ? ` · ${t('带队', 'leader')} ${leaders[township].name}` : ''}</summary>
          ${planned && html`<${LeaderPicker} batch=${batch} township=${township} members=${members}
              current=${leaders[township]?.worker_id} onDone=${reload} />`}
          <ul class="list">${members.map((m) => html`
            <li class="member" data-worker=${m.worker_id}><span>${m.name}${m.departed ? ` · ${t('已出发', 'departed')}` : ''}</span>
              ${planned && html`<${RemoveButton} batchId=${batch.id} member=${m} onDone=${reload} />`}</li>`)}</ul>
        </details>`)}
      <${CardSheetButton} workerIds=${batch.roster.map((m) => m.worker_id)} title=${batch.name} />
      ${planned ? html`
        <a class="button secondary" href=${`#batches/${batch.id}/scan`}>${t('扫码上车', 'Scan people boarding')}</a>
        <${AddFromFair} batch=${batch} onDone=${reload} />
        <${AddPerson} batch=${batch} onDone=${reload} />
        <${RollCall} batch=${batch} onDone=${reload} />` : html`<${ServerBoard} batchId=${batch.id} />`}
    </section>`;
}

function LeaderPicker({ batch, township, members, current, onDone }) {
  const [message, setMessage] = useState('');
  async function choose(event) {
    try {
      await apiFetch(`/api/batches/${batch.id}/team-leaders`, { method: 'PUT', body: { township, worker_id: event.target.value } });
      onDone();
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  return html`<label>${t('带队人', 'Team leader')}<select name="leader" value=${current || ''} onChange=${choose}>
      <option value="">${t('— 未指定 —', '— None yet —')}</option>
      ${members.map((m) => html`<option value=${m.worker_id}>${m.name}</option>`)}</select></label>
    <${Message} text=${message} />`;
}

/** Taking someone off the batch: asks why first (the reason stays on their record). */
function RemoveButton({ batchId, member, onDone }) {
  const [asking, setAsking] = useState(false);
  async function remove(reason) {
    await apiFetch(`/api/batches/${batchId}/roster/${member.worker_id}`, { method: 'DELETE', body: { reason } });
    setAsking(false);
    onDone();
  }
  if (asking) {
    return html`<${AskWhy} id="remove-member" question=${t(`为什么把 ${member.name} 移出本批次？`, `Why is ${member.name} taken off the batch?`)}
      action=${t(`移出 ${member.name}`, `Take ${member.name} off`)} onSubmit=${remove} onCancel=${() => setAsking(false)} />`;
  }
  return html`<button type="button" class="link" onClick=${() => setAsking(true)}>${t('移出', 'Remove')}</button>`;
}

function AddFromFair({ batch, onDone }) {
  const [fairs] = useApi('/api/fairs?per_page=100');
  const [message, setMessage] = useState('');
  async function submit(event) {
    event.preventDefault();
    try {
      const answer = await apiFetch(`/api/batches/${batch.id}/roster`, { method: 'POST', body: formValues(event.target) });
      setMessage(done(t(`新增 ${answer.added.length} 人，已在名单 ${answer.already_on_roster.length} 人。`,
        `Added ${answer.added.length}; ${answer.already_on_roster.length} on the roster already.`)));
      onDone();
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  return html`
    <form id="add-from-fair" onSubmit=${submit}>
      <h3>${t('从招聘会意向添加', 'Add from a fair\'s intentions')}</h3>
      <select name="from_fair_id" required>
        <option value="">${t('— 招聘会 —', '— Fair —')}</option>
        ${(fairs?.items || []).map((f) => html`<option value=${f.id}>${f.name}（${f.date}）</option>`)}</select>
      <select name="employer_id">
        <option value="">${t('所有接收企业的意向', 'Intentions for any employer')}</option>
        ${batch.employers.map((e) => html`<option value=${e.id}>${e.name}</option>`)}</select>
      <button type="submit">${t('添加', 'Add')}</button>
      <${Message} text=${message} id="roster-message" />
    </form>`;
}

/** Someone not from a fair's intentions: found by name or ID last 4, added to the roster. */
function AddPerson({ batch, onDone }) {
  const [found, setFound] = useState(null);
  const [message, setMessage] = useState('');
  async function search(event) {
    event.preventDefault();
    const q = new FormData(event.target).get('q').trim();
    try {
      setFound((await apiFetch(`/api/workers?${new URLSearchParams({ q, per_page: '10' })}`)).items);
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  async function add(worker) {
    try {
      await apiFetch(`/api/batches/${batch.id}/roster`, { method: 'POST', body: { worker_ids: [worker.id] } });
      setFound(null);
      setMessage(done(t(`已加入 ${worker.name}。`, `${worker.name} added.`)));
      onDone();
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  return html`
    <form id="add-person" onSubmit=${search}>
      <h3>${t('按姓名添加', 'Add a person')}</h3>
      <label>${t('姓名或身份证后四位', 'Name or last 4 of the ID')}<input name="q" required /></label>
      <button type="submit">${t('查找', 'Search')}</button>
      ${found && html`<ul class="list">${found.map((w) => html`<li><button type="button" class="link" data-worker=${w.id}
          onClick=${() => add(w)}>${t('加入', 'Add')} ${w.name} ${w.id_masked} · ${w.home?.township || ''}</button></li>`)}
        ${!found.length && html`<li>${t('没有找到', 'Nobody found')}</li>`}</ul>`}
      <${Message} text=${message} />
    </form>`;
}

/** The roll-call: everyone is taken as present; the leader ticks off who did not board. */
function RollCall({ batch, onDone }) {
  const [absent, setAbsent] = useState(new Set());
  const [message, setMessage] = useState('');
  const [confirming, setConfirming] = useState(false);  // a departure closes the roster: a second tap
  function toggle(workerId) {
    setConfirming(false);
    const next = new Set(absent);
    if (next.has(workerId)) next.delete(workerId); else next.add(workerId);
    setAbsent(next);
  }
  async function depart(event) {
    event.preventDefault();
    if (!confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    try {
      const answer = await apiFetch(`/api/batches/${batch.id}/depart`, { method: 'POST', body: { absent: [...absent] } });
      setMessage(done(t(`已出发 ${answer.departed} 人。`, `${answer.departed} departed.`)));
      onDone();
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  if (!batch.roster.length) return null;
  return html`
    <form id="roll-call" onSubmit=${depart}>
      <h3>${t('点名出发', 'Roll-call and departure')}</h3>
      <p class="hint">${t('默认全部到齐；勾选没有上车的人。', 'Everyone counts as present: tick who did not board.')}</p>
      ${batch.roster.map((m) => html`<label class="check"><input type="checkbox" name="absent" value=${m.worker_id}
          checked=${absent.has(m.worker_id)} onChange=${() => toggle(m.worker_id)} /> ${m.name}（${m.township || '—'}）</label>`)}
      ${confirming && html`<p class="warning" role="alert" id="confirm-departure">${t(
        `确认 ${batch.roster.length - absent.size} 人上车出发、${absent.size} 人未上车？出发后名单不能再改。`,
        `${batch.roster.length - absent.size} boarded and ${absent.size} did not? The roster closes on departure.`)}
        ${absent.size > 0 && html`<br />${t('未上车', 'Did not board')}：${batch.roster.filter((m) => absent.has(m.worker_id)).map((m) => m.name).join('、')}`}</p>`}
      <div class="pair">
        <button type="submit">${confirming ? t('确认出发', 'Confirm departure')
          : t(`出发：${batch.roster.length - absent.size} 人`, `Depart: ${batch.roster.length - absent.size} people`)}</button>
        ${confirming && html`<button type="button" class="secondary" onClick=${() => setConfirming(false)}>${t('取消', 'Cancel')}</button>`}
      </div>
      <${Message} text=${message} id="depart-message" />
    </form>`;
}

/** The arrival board as the server has it (the greeter's phone keeps its own, offline). */
function ServerBoard({ batchId }) {
  const [board, error] = useApi(`/api/batches/${batchId}/board`);
  if (!board) return html`<${Message} text=${error} />`;
  return html`
    <div class="board" id="server-board" data-expected=${board.expected} data-arrived=${board.arrived}
        data-missing=${board.missing} data-unexpected=${board.unexpected}>
      <div class="counts">
        <span>${t('应到', 'Expected')} <b>${board.expected}</b></span><span>${t('已到', 'Arrived')} <b>${board.arrived}</b></span>
        <span>${t('未到', 'Missing')} <b>${board.missing}</b></span><span>${t('非本批', 'Unexpected')} <b>${board.unexpected}</b></span>
      </div>
      ${board.townships.map((g) => html`<p><b>${g.township || '—'}</b>：${g.arrived}/${g.expected}
        ${g.team_leader ? ` · ${t('带队', 'leader')} ${g.team_leader.name}` : ''}
        ${g.missing.length ? html`<br />${t('未到', 'Missing')}：${g.missing.map((p) => p.name).join('、')}` : ''}</p>`)}
      ${board.unexpected_people.length > 0 && html`<p>${t('非本批次', 'Not on this batch')}：${board.unexpected_people.map((p) => p.name).join('、')}</p>`}
    </div>`;
}
