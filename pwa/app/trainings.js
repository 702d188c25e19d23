// Training sessions: plan one, see who attended and who completed it; attendance is a scan
// (the scan screen in training mode, offline like every other scan).
import { useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { t } from './i18n.js';
import { CountySelect, Message, errorText, formValues, html, useApi } from './ui.js';

export function TrainingsScreen({ me, route, scanner }) {
  if (route[0] === 'new') return html`<${PlanTraining} me=${me} />`;
  if (route[0] && route[1] === 'scan') return scanner(route[0]);
  if (route[0]) return html`<${TrainingPage} trainingId=${route[0]} />`;
  return html`<${TrainingList} />`;
}

function TrainingList() {
  const [page, error] = useApi('/api/trainings?per_page=100');
  return html`
    <section class="screen" id="trainings">
      <h2>${t('技能培训', 'Training')}</h2>
      <a class="button" href="#trainings/new">${t('新建培训', 'Plan a training')}</a>
      <${Message} text=${error} />
      <ul class="list">${(page?.items || []).map((s) => html`
        <li><a href=${`#trainings/${s.id}`} data-training=${s.id}><b>${s.title}</b>
          <span>${s.starts_on}–${s.ends_on} · ${s.place} · ${s.provider}</span></a></li>`)}
        ${page && !page.items.length && html`<li>${t('还没有培训。', 'No trainings yet.')}</li>`}</ul>
    </section>`;
}

function PlanTraining({ me }) {
  const [message, setMessage] = useState('');
  async function submit(event) {
    event.preventDefault();
    const values = formValues(event.target);
    try {
      const created = await apiFetch('/api/trainings', { method: 'POST', body: { ...values,
        capacity: Number(values.capacity), hours: Number(values.hours || 0) } });
      window.location.hash = `#trainings/${created.id}`;
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  return html`
    <form class="screen" id="plan-training" onSubmit=${submit}>
      <h2>${t('新建培训', 'Plan a training')}</h2>
      <label>${t('名称', 'Title')}<input name="title" required /></label>
      <label>${t('技能', 'Skill')}<input name="skill" required placeholder=${t('缝纫', 'Sewing')} /></label>
      <label>${t('培训机构', 'Provider')}<input name="provider" required /></label>
      <label>${t('地点', 'Place')}<input name="place" required /></label>
      <label>${t('县', 'County')}<${CountySelect} side="origin" name="county_code" value=${me.county_code || ''} /></label>
      <div class="pair">
        <label>${t('开始', 'From')}<input type="date" name="starts_on" required /></label>
        <label>${t('结束', 'To')}<input type="date" name="ends_on" required /></label>
      </div>
      <div class="pair">
        <label>${t('名额', 'Capacity')}<input type="number" name="capacity" min="1" required inputmode="numeric" /></label>
        <label>${t('结业学时', 'Hours to complete')}<input type="number" name="hours" min="0" step="0.5" inputmode="decimal" /></label>
      </div>
      <button type="submit">${t('保存', 'Save')}</button>
      <${Message} text=${message} />
    </form>`;
}

function TrainingPage({ trainingId }) {
  const [session, error] = useApi(`/api/trainings/${trainingId}`);
  if (!session) return html`<section class="screen"><${Message} text=${error || t('正在加载…', 'Loading…')} /></section>`;
  return html`
    <section class="screen" id="training" data-training=${session.id}>
      <h2>${session.title}</h2>
      <p>${session.skill} · ${session.provider} · ${session.place} · ${session.starts_on}–${session.ends_on}</p>
      <p class="counts">${t('参加', 'Attended')} ${session.attended} / ${session.capacity} · ${t('结业', 'Completed')} ${session.completed}</p>
      <a class="button" href=${`#trainings/${session.id}/scan`}>${t('扫码签到', 'Scan attendance')}</a>
      <ul class="list">${session.attendees.map((a) => html`
        <li data-worker=${a.worker_id}><a href=${`#workers/${a.worker_id}`}>${a.name}</a> · ${a.hours} ${t('学时', 'hours')}
          ${a.completed ? ` · ${t('已结业', 'completed')}` : ''}</li>`)}</ul>
    </section>`;
}
