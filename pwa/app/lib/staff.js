// A workstation's staff as the office types them, one a line: "站长 王建军 13912345678", or just
// "李芳 13987654321". What has a digit is the phone (spaces inside it allowed); before the name, a
// first word is the duty. The server checks each phone again (schemas/regions.py).

/** The lines as `[{name, phone, duty}]`, empty lines left out. */
export function parseStaff(text) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).map((line) => {
    const parts = line.split(/[\s,，、]+/).filter(Boolean);
    const phone = parts.filter((p) => /\d/.test(p)).join('') || null;
    const words = parts.filter((p) => !/\d/.test(p));
    if (words.length > 1) return { duty: words[0], name: words.slice(1).join(' '), phone };
    return { name: words[0] || line, phone, duty: null };
  });
}

/** One member as the office typed them (what `parseStaff` reads back). */
export function staffLine(member) {
  return [member.duty, member.name, member.phone].filter(Boolean).join(' ');
}
