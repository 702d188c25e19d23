// Simplified Chinese first, English for whoever prefers it; the choice stays on the phone.
// Every text is written once as t('中文', 'English'); the server's messages come in both already.

const KEY = 'laborpass.lang';
let lang = globalThis.localStorage?.getItem(KEY) === 'en' ? 'en' : 'zh';
if (globalThis.document) document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';  // for screen readers and fonts

/** The text in the language chosen on this phone. */
export function t(zh, en) {
  return lang === 'en' ? en : zh;
}

export function currentLang() {
  return lang;
}

/** Choose the language (kept on the phone); the caller re-renders. */
export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh';
  globalThis.localStorage?.setItem(KEY, lang);
  if (globalThis.document) document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}

/** A message the server wrote as "中文。 English.": the half in the chosen language. */
export function pick(message) {
  if (!message) return '';
  const split = message.search(/[。！？）)]\s+[A-Za-z0-9]/);  // the English may start with a date
  if (split < 0) return message;
  return lang === 'en' ? message.slice(split + 1).trim() : message.slice(0, split + 1);
}
