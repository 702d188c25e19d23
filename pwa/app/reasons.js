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
  temporary_pass_expired: ['临时凭证已过期', 'An expired temporary pass', '请用正式卡，或到工作站补卡。', 'Use the card, or get one at the workstation.'],
  unknown_training: ['培训不存在', 'No such training', '同步后重新选择培训。', 'Sync, then pick the training again.'],
  scanner_revoked: ['扫码人已停用', 'The scanner was signed off', '审核员会决定是否有效。', 'A reviewer decides whether it stands.'],
  invalid_envelope: ['数据不完整', 'Incomplete data', '联系管理员。', 'Tell an administrator.'],
};

/** A reason code as [what happened, what to do], in the chosen language. */
export function reasonText(code, message = '') {
  const known = REASONS[code];
  return known ? [t(known[0], known[1]), t(known[2], known[3])] : [code, pick(message)];
}
