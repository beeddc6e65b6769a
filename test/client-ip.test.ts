import { describe, expect, test } from 'vitest'
import type { HttpRequest, HttpResponse } from '../src/native/uws.js'
import { clientIp } from '../src/http/client.js'
import { CidrSet, clientIpFromForwarded, formatIp, normaliseIpBytes, parseIp } from '../src/net/ip.js'

/** The peer as uWS reports it: 4 bytes, or 16 (IPv4 peers of a dual-stack socket come IPv4-mapped). */
function peerBytes(text: string, mapped: boolean): Uint8Array {
  const ip = parseIp(text)!
  return mapped && ip.length === 4 ? Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ip) : ip
}

/** A uWS request/response pair that answers the two calls clientIp makes (header names come as bytes). */
function fake(peer: Uint8Array, xff: string): { res: HttpResponse; req: HttpRequest; reads: () => number } {
  let reads = 0
  const res = { getRemoteAddress: () => peer.slice().buffer } as unknown as HttpResponse
  const req = {
    getHeader: (key: string | ArrayBuffer) => {
      reads++
      const name = typeof key === 'string' ? key : Buffer.from(key).toString('latin1')
      return name === 'x-forwarded-for' ? xff : ''
    },
  } as unknown as HttpRequest
  return { res, req, reads: () => reads }
}

const trustedSets = [
  [],
  ['127.0.0.1'],
  ['10.0.0.0/8', '192.168.0.0/16'],
  ['0.0.0.0/0'],
  ['::/0'],
  ['::ffff:0:0/95'],
  ['::ffff:127.0.0.0/104'],
  ['::1', 'fd00::/8'],
  ['127.0.0.1', '10.1.0.0/16', '2001:db8::/32'],
]
const peers = ['127.0.0.1', '10.0.0.2', '10.1.2.3', '203.0.113.7', '::1', 'fd00::5', '2001:db8::9']
const forwarded = [
  '',
  '10.0.3.4',
  '203.0.113.9',
  '127.0.0.1',
  '010.0.0.1',
  '1.2.3.256',
  ' 203.0.113.9',
  '203.0.113.9:8080',
  'unknown',
  '2001:db8::7',
  '[2001:db8::7]:443',
  '::ffff:198.51.100.2',
  'spoofed, 203.0.113.9, 10.0.0.2',
  '198.51.100.1,10.1.0.9',
  '1.2.3.4.5',
  '1.2.3',
]

describe('clientIp', () => {
  test.each(trustedSets)('answers as clientIpFromForwarded, trusting %j', (...list) => {
    const trusted = new CidrSet(list)
    for (const p of peers) {
      for (const mapped of [false, true]) {
        for (const xff of forwarded) {
          const peer = peerBytes(p, mapped)
          const { res, req } = fake(peer, xff)
          const want = clientIpFromForwarded(normaliseIpBytes(peer), xff, trusted)
          expect(
            formatIp(clientIp(res, req, trusted)),
            `peer ${p} (mapped ${mapped}), X-Forwarded-For ${JSON.stringify(xff)}`,
          ).toBe(formatIp(want))
        }
      }
    }
  })

  test('reads X-Forwarded-For only from a trusted peer', () => {
    const trusted = new CidrSet(['127.0.0.1'])
    const untrusted = fake(peerBytes('203.0.113.7', true), '10.0.3.4')
    expect(formatIp(clientIp(untrusted.res, untrusted.req, trusted))).toBe('203.0.113.7')
    expect(untrusted.reads()).toBe(0)
    const proxy = fake(peerBytes('127.0.0.1', true), '10.0.3.4')
    expect(formatIp(clientIp(proxy.res, proxy.req, trusted))).toBe('10.0.3.4')
    expect(proxy.reads()).toBe(1)
  })
})
