/** @module Generated JSON papers, as a user's own folder of documents would hold them. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `count` JSON papers (title, year, authors, abstract) into `dir` (created); returns their ids. */
export function writeJsonPapers(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `paper-${String(i).padStart(2, '0')}`;
    const paper = {
      title: `Potassium uptake of maize on sandy soil, trial ${i}`,
      year: 2010 + i,
      authors: [`Author ${i}`, 'Second Author'],
      abstract:
        `Exchangeable potassium rose by ${10 + i} mg/kg after ${i * 30} kg K2O/ha. Grain yield increased by ${i}.5 t/ha ` +
        'compared with the unfertilised control, and leaf K concentration reached sufficiency at the highest rate. ' +
        'The authors recommend annual maintenance applications on soils below the critical level.',
    };
    writeFileSync(join(dir, `${id}.json`), `${JSON.stringify(paper, null, 2)}\n`);
    ids.push(id);
  }
  return ids;
}
