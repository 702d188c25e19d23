// The programme lives in China's calendar: the day a scan speaks of (a start date, a month, a
// card's expiry) is Beijing's, whatever time zone the phone was left in (server/domain/calendar.py).
const ZONE = 'Asia/Shanghai';
const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** 'YYYY-MM-DD' of the moment `at` (a Date; now by default) in Beijing. */
export function programmeDay(at = new Date()) {
  return DAY.format(at);
}
