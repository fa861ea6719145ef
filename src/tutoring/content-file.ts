/**
 * Tutoring content (lessons, hints) is read with the course content loader, so its mistakes are
 * reported the same way: `FILE: FIELD: PROBLEM`.
 */
export { loadYamlFile } from '../content/load.ts';
