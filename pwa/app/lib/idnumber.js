// A resident ID number (GB 11643) and a mobile number checked on the phone, before anything is
// queued: the clerk hears about a mistyped digit while the person is still at the table.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character of the first 17 digits. */
export function checkCharacter(first17) {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * WEIGHTS[i], 0);
  return CHECK[sum % 11];
}

/** What is wrong with an ID number as typed, as [中文, English]; null when it is well formed. */
export function idNumberProblem(text, today = new Date()) {
  const number = text.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(number)) return ['身份证号应为18位（最后一位可为X）。', 'An ID number has 18 characters (the last may be X).'];
  const [year, month, day] = [number.slice(6, 10), number.slice(10, 12), number.slice(12, 14)].map(Number);
  const born = new Date(Date.UTC(year, month - 1, day));
  if (born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day || year < 1900 || born > today) {
    return ['身份证号中的出生日期不对。', 'The date of birth in the ID number is not a real date.'];
  }
  if (checkCharacter(number.slice(0, 17)) !== number[17]) {
    return ['身份证号校验位不对，请逐位核对。', 'The check character does not match: compare digit by digit.'];
  }
  return null;
}

export function phoneProblem(text) {
  if (!text.trim()) return null;  // not everyone has a phone
  return /^1[3-9]\d{9}$/.test(text.trim()) ? null : ['手机号应为11位，以1开头。', 'A mobile number has 11 digits and starts with 1.'];
}

/** An ID number as screens show it: the region and the last four. */
export function maskIdNumber(number) {
  return `${number.slice(0, 6)}********${number.slice(-4)}`;
}

/** Whole years of age on `today` (a Date) of the holder of a well-formed ID number. */
export function ageOn(number, today = new Date()) {
  const [year, month, day] = [number.slice(6, 10), number.slice(10, 12), number.slice(12, 14)].map(Number);
  const [y, m, d] = [today.getFullYear(), today.getMonth() + 1, today.getDate()];
  return y - year - ((m < month || (m === month && d < day)) ? 1 : 0);
}

export const MINIMUM_WORKING_AGE = 16;  // the Labour Law: no one younger may be employed
