/** Text in markup: escaping for the table's cells and the SVG exports, and the way back. */

/** Text safe inside markup and attribute values. */
export const escapeHtml = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The text a piece of markup shows: tags dropped, the entities escapeHtml writes turned back. */
export const htmlText = (h: string): string => h.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
