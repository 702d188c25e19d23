// Why a scan was refused or quarantined, in plain words, with what to do: for the scan's verdict,
// the phone's rejected list and the office's quarantine review.
import { pick, t } from './i18n.js';

// A refusal in plain words, and what to do about it: for the verdict on screen and the rejected list.
export const REASONS = {
  malformed: ['无法识别的二维码', 'Not a readable code', '不是务工通卡片，请换卡或手工输入卡号。', 'Not a LaborPass card: type its code.'],
  unsupported_version: ['卡片版本过新', 'A newer card version', '请更新应用。', 'Update the app.'],
  bad_signature: ['伪造或损坏的卡片', 'A forged or damaged card', '核对本人身份证后补发新卡。', 'Check the ID card and issue a new card.'],
  revoked: ['已作废的卡片', 'A revoked card', '请用最新的卡，或补发。', 'Use the newest card, or issue one.'],
  expired: ['过期的卡片', 'An expired card', '补发新卡。', 'Issue a new card.'],
  unknown_key: ['签发密钥未知', 'Signed with an unknown key', '联网同步后再扫；仍不行请联系管理员。', 'Sync, then scan again; else tell an administrator.'],
  out_of_scope: ['不在您的工作范围', 'Not in your area', '由负责的县或站处理。', 'The responsible county or station handles it.'],
  unknown_worker: ['查无此人', 'Nobody by that card', '先登记此人。', 'Register the person first.'],
  unknown_batch: ['批次不存在', 'No such batch', '同步后重新选择批次。', 'Sync, then pick the batch again.'],
  unknown_fair: ['招聘会不存在', 'No such fair', '同步后重新选择招聘会。', 'Sync, then pick the fair again.'],
  no_open_request: ['这条求助已关闭或不存在', 'No such open request', '联网后重新打开求助列表。', 'Reopen the list of requests online.'],
  no_pay_given: ['企业尚未填报该月工资', 'No pay given for that month', '等企业填报后再答复。', 'Answer once the employer has given it.'],
  no_intention: ['此人未在该招聘会签意向', 'No intention signed at that fair', '核对回访名单，联网后重新打开。', 'Check the follow-up list: reopen it online.'],
  temporary_pass_expired: ['临时凭证已过期', 'An expired temporary pass', '请用正式卡，或到工作站补卡。', 'Use the card, or get one at the workstation.'],
  unknown_training: ['培训不存在', 'No such training', '同步后重新选择培训。', 'Sync, then pick the training again.'],
  scanner_revoked: ['扫码人已停用', 'The scanner was signed off', '审核员会决定是否有效。', 'A reviewer decides whether it stands.'],
  invalid_envelope: ['数据不完整', 'Incomplete data', '联系管理员。', 'Tell an administrator.'],
  // What else the server's quarantine keeps (server/domain/sync_rules.py, evidence.py, site_codes.py),
  // with what the reviewer does about it.
  id_conflict: ['同一编号的记录内容不同', 'Same record id, different content', '核对两条记录，驳回有误的一条。', 'Compare the two; dismiss the wrong one.'],
  device_blocked: ['这台手机已被停用', 'The phone was blocked', '核实手机来源；多半应驳回。', 'Check where the phone is; most likely dismiss.'],
  unknown_scanner: ['扫码人从未在此手机登录', 'The scanner never signed in on this phone', '核实是谁扫的码，再决定。', 'Find out who scanned it, then decide.'],
  forbidden_type: ['此角色不能记录这类事项', 'This role may not record this', '由有权限的人员重新记录，或驳回。', 'Someone allowed records it again, or dismiss.'],
  unknown_employer: ['用人单位不存在', 'No such employer', '更正用人单位后接受，或驳回。', 'Correct the employer and accept, or dismiss.'],
  unknown_posting: ['该单位没有这个岗位', 'No such job at this employer', '核实岗位后接受，或驳回。', 'Check the job, then accept or dismiss.'],
  unknown_site: ['工作地点码不存在', 'No such workplace code', '请单位重新生成当天的工作地点码。', 'The employer makes a new code for the day.'],
  wrong_site: ['不是此人所在单位的工作地点', "Not this worker's workplace", '核实此人在哪家单位，再决定。', "Check the worker's employer, then decide."],
  stale_site_code: ['工作地点码不是当天的', "Not the day's workplace code", '请用当天的工作地点码重新确认。', "Confirm again with the day's code."],
  unknown_event: ['要作废的记录不存在', 'The record to void is not there', '核实要作废哪一条，再决定。', 'Check which record is meant, then decide.'],
  under_16: ['未满16周岁', 'Under 16', '依法不得录用：驳回，并通知单位。', 'The law forbids it: dismiss and tell the employer.'],
  card_required: ['未扫卡，只凭编号', 'No card scanned, only an id', '核实本人后再接受，或请对方扫卡。', 'Check the person first, or ask for a card scan.'],
  keyed_onboarding: ['未扫卡录入的入职', 'An onboarding keyed in by id', '电话核实此人已入职后接受。', 'Call to check the person started, then accept.'],
  void_needs_review: ['作废他人的记录，须另一位审核员', "Voiding another's record needs a second reviewer", '请由未经手的审核员决定。', 'A reviewer who did not make it decides.'],
  before_programme: ['日期早于项目开始', 'Dated before the programme', '核实日期；多为手机时间错误。', "Check the date: usually the phone's clock."],
  before_registration: ['时间早于此人登记', 'Dated before the registration', '核实日期；多为手机时间错误。', "Check the date: usually the phone's clock."],
  in_the_future: ['记录时间在未来', 'Dated in the future', '请校准手机时间后重新扫码。', "Set the phone's clock, then scan again."],
};

/** A reason code as [what happened, what to do], in the chosen language. */
export function reasonText(code, message = '') {
  const known = REASONS[code];
  return known ? [t(known[0], known[1]), t(known[2], known[3])] : [code, pick(message)];
}
