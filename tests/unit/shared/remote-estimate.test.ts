// The estimate line New run shows before Start for a remote target: requests, their cost at the endpoint's price,
// and a warning when the query budget would stop the run; nothing for a local target.
import { describe, expect, it } from 'vitest';
import { describeRemoteEstimate, formatCost } from '../../../src-shared/presentation/remote-estimate';

describe('remote estimate line', () => {
  it('says nothing for a run on local models', () => {
    expect(describeRemoteEstimate({ remoteRequests: null, remoteCost: null }, 5)).toBeNull();
    expect(describeRemoteEstimate({}, null)).toBeNull();
  });

  it('names the requests, and their cost when the endpoint has a price', () => {
    expect(describeRemoteEstimate({ remoteRequests: 1200, remoteCost: null }, null)).toBe(
      '≈ 1,200 requests to the server (before the response cache).',
    );
    expect(describeRemoteEstimate({ remoteRequests: 10, remoteCost: 0.02 }, null)).toBe(
      '≈ 10 requests to the server (before the response cache), costing ≈ 0.02.',
    );
  });

  it('warns when the query budget is smaller than the requests, and only then', () => {
    expect(describeRemoteEstimate({ remoteRequests: 10, remoteCost: null }, 3)).toContain(
      'the query budget of 3 stops the run before it finishes',
    );
    expect(describeRemoteEstimate({ remoteRequests: 10, remoteCost: null }, 10)).not.toContain('budget');
  });

  it('writes small prices with their digits and large costs with two decimals', () => {
    expect(formatCost(0.000125)).toBe('0.000125');
    expect(formatCost(1234.5678)).toBe('1,234.57');
  });
});
