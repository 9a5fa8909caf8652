import { describe, expect, it } from 'vitest';
import { byLabel, byTwoLabels, latest, matrixOf, nonZero, single, vectorOf, type PromResponse } from '../src/data/prom-result.js';

const vector: PromResponse = {
  status: 'success',
  data: {
    resultType: 'vector',
    result: [
      { metric: { short_code: '*710#', class: 'ok' }, value: [1, '90'] },
      { metric: { short_code: '*710#', class: 'internal' }, value: [1, '10'] },
      { metric: { short_code: '*720#', class: 'ok' }, value: [1, 'NaN'] },
    ],
  },
};

describe('Prometheus results', () => {
  it('indexes a vector by one and two labels', () => {
    const v = vectorOf(vector);
    expect(byLabel(v, 'class').get('internal')).toBe(10);
    expect(byTwoLabels(v, 'short_code', 'class').get('*710#')).toEqual(new Map([['ok', 90], ['internal', 10]]));
    expect(Number.isNaN(byTwoLabels(v, 'short_code', 'class').get('*720#')!.get('ok'))).toBe(true);
  });

  it('reads a scalar as a single value and an empty vector as none', () => {
    expect(single(vectorOf({ status: 'success', data: { resultType: 'scalar', result: [1, '0.5'] } }))).toBe(0.5);
    expect(single(vectorOf({ status: 'success', data: { resultType: 'vector', result: [] } }))).toBeUndefined();
  });

  it('turns a matrix into ms timestamps and numbers', () => {
    const m = matrixOf({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { class: 'ok' }, values: [[100, '1'], [115, '2.5']] }] } });
    expect(m).toEqual([{ labels: { class: 'ok' }, times: [100_000, 115_000], values: [1, 2.5] }]);
  });

  it('surfaces Prometheus errors and wrong result types', () => {
    expect(() => vectorOf({ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' })).toThrow('parse error at char 5');
    expect(() => matrixOf(vector)).toThrow('expected a range result, got vector');
  });

  it('drops series that never left zero', () => {
    const s = (values: number[]) => ({ labels: {}, times: values.map((_, i) => i), values });
    expect(nonZero([s([0, 0]), s([0, NaN]), s([0, 0.1])])).toEqual([s([0, 0.1])]);
  });

  it('reads the latest finite value of a series, as a chart\'s "now"', () => {
    expect(latest([{ labels: {}, times: [1, 2, 3], values: [0.2, 0.9, NaN] }])).toBe(0.9);
    expect(latest([])).toBeUndefined();
  });
});
