/**
 * A small RFC 4180 reader for schedule uploads: quoted fields, doubled quotes, CRLF or LF, a leading BOM.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/**
 * Rows of a CSV with a header line as objects keyed by the header. An integer-looking cell of a numeric column
 * becomes a number; anything else stays text, so validation names it.
 */
export function csvRecords(text: string, numericColumns: readonly string[]): { header: string[]; records: Record<string, unknown>[] } {
  const [header = [], ...rows] = parseCsv(text);
  const names = header.map((h) => h.trim());
  const records = rows.map((cells) => {
    const record: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const raw = (cells[i] ?? '').trim();
      if (numericColumns.includes(name)) record[name] = /^[+-]?\d+$/.test(raw) ? Number(raw) : raw;
      else record[name] = raw === '' && name === 'reference' ? null : raw;
    });
    if (cells.length > names.length) record[`column${names.length + 1}`] = cells.slice(names.length).join(',');
    return record;
  });
  return { header: names, records };
}

/** Adds the file line to errors that point at a CSV record (`/3/date` is line 5: after the header, from 1). */
export function withCsvLines<T extends { path: string; message: string }>(errors: readonly T[]): T[] {
  return errors.map((e) => {
    const row = /^\/(\d+)(\/|$)/.exec(e.path);
    return row ? { ...e, message: `${e.message} (CSV line ${Number(row[1]) + 2})` } : e;
  });
}
