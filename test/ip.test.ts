import { describe, expect, test } from 'vitest'
import {
  CidrSet,
  cidrContains,
  clientIpFromForwarded,
  formatIp,
  limiterKeyBytes,
  normaliseIpBytes,
  parseCidr,
  parseIp,
} from '../src/net/ip.js'

const bytes = (...b: number[]) => Uint8Array.from(b)
const v6 = (text: string) => {
  const ip = parseIp(text)
  if (ip === null || ip.length !== 16) throw new Error(`not IPv6: ${text}`)
  return ip
}
const ip = (text: string) => {
  const r = parseIp(text)
  if (r === null) throw new Error(`bad ip in test: ${text}`)
  return r
}

describe('parseIp', () => {
  test.each([
    ['1.2.3.4', [1, 2, 3, 4]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['10.0.0.10', [10, 0, 0, 10]],
  ])('IPv4 %s', (text, want) => {
    expect(parseIp(text)).toEqual(Uint8Array.from(want))
  })

  test.each([
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['1::', '00010000000000000000000000000000'],
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['2001:DB8:0:0:8:800:200C:417A', '20010db80000000000080800200c417a'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
    ['::2:3:4:5:6:7:8', '00000002000300040005000600070008'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
    ['[::1]', '00000000000000000000000000000001'],
    ['[2001:db8::5]', '20010db8000000000000000000000005'],
    ['::1.2.3.4', '00000000000000000000000001020304'], // IPv4-compatible (deprecated): stays IPv6
    ['64:ff9b::192.0.2.33', '0064ff9b0000000000000000c0000221'], // NAT64: stays IPv6
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
  ])('IPv6 %s', (text, hex) => {
    expect(Buffer.from(parseIp(text)!).toString('hex')).toBe(hex)
  })

  test.each([
    ['::ffff:1.2.3.4'],
    ['::FFFF:0102:0304'],
    ['0:0:0:0:0:ffff:1.2.3.4'],
    ['[::ffff:1.2.3.4]'],
    ['0000:0000:0000:0000:0000:ffff:0102:0304'],
  ])('IPv4-mapped %s → 4 bytes', (text) => {
    expect(parseIp(text)).toEqual(bytes(1, 2, 3, 4))
  })

  test.each([
    // IPv4
    '',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.04',
    '1..2.3',
    '1.2.3.',
    '.1.2.3',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.-4',
    '1.2.3.4/24',
    '1.2.3.4:80',
    '[1.2.3.4]',
    '1234.1.1.1',
    '0x1.2.3.4',
    // IPv6
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    ':1::',
    '1::2:',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'fe80::1%eth0',
    '::ffff:1.2.3',
    '::g',
    '[::1',
    '::1]',
    '[]',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '::1.2.3.4:5',
    '::1.2.3.4.5',
    '[::1]:80',
    // garbage
    'garbage',
    'unknown',
    'localhost',
    '1.2.3.4\n',
    '\u0661.2.3.4',
    'x'.repeat(10_000),
  ])('invalid %j → null', (text) => {
    expect(parseIp(text)).toBeNull()
  })

  test('never throws on non-strings', () => {
    for (const v of [undefined, null, 42, {}, []]) expect(parseIp(v as unknown as string)).toBeNull()
  })
})

describe('normaliseIpBytes', () => {
  test('folds mapped 16-byte addresses, leaves others', () => {
    expect(normaliseIpBytes(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 9, 8, 7, 6))).toEqual(bytes(9, 8, 7, 6))
    const four = bytes(1, 2, 3, 4)
    expect(normaliseIpBytes(four)).toBe(four)
    const six = v6('2001:db8::1')
    expect(normaliseIpBytes(six)).toBe(six)
  })
})

describe('formatIp', () => {
  test.each([
    ['1.2.3.4', '1.2.3.4'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['FE80::A', 'fe80::a'],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], // longest run
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['[2001:db8::1]', '2001:db8::1'],
    ['::ffff:1.2.3.4', '1.2.3.4'], // normalised by parseIp
    ['::1.2.3.4', '::102:304'],
  ])('%s → %s and round-trips', (text, canonical) => {
    expect(formatIp(ip(text))).toBe(canonical)
    expect(formatIp(ip(canonical))).toBe(canonical)
  })

  test('16-byte mapped form is written in mixed notation', () => {
    expect(formatIp(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4))).toBe('::ffff:1.2.3.4')
  })

  test('rejects other lengths', () => {
    expect(() => formatIp(new Uint8Array(8))).toThrow(RangeError)
  })
})

describe('CIDR', () => {
  test.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.1.2.3/8', '10.9.9.9', true], // host bits are cleared
    ['192.168.1.0/25', '192.168.1.127', true],
    ['192.168.1.0/25', '192.168.1.128', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['1.2.3.4', '1.2.3.4', true],
    ['1.2.3.4', '1.2.3.5', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::/33', '2001:db8:7fff::1', true],
    ['2001:db8::/33', '2001:db8:8000::1', false],
    ['::1', '::1', true],
    ['::/0', '2001:db8::1', true],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true], // mapped client vs IPv4 network
    ['::ffff:10.0.0.0/104', '10.1.2.3', true], // mapped network vs IPv4 client
    ['::ffff:10.0.0.0/104', '11.1.2.3', false],
    ['::ffff:0:0/96', '1.2.3.4', true],
    ['::/0', '1.2.3.4', true], // every IPv4 address is in ::/0 through its mapped form
    ['::/96', '1.2.3.4', false],
    ['10.0.0.0/8', '2001:db8::1', false],
    ['2001:db8::/32', '10.0.0.1', false],
  ])('%s contains %s: %s', (cidr, addr, want) => {
    expect(cidrContains(parseCidr(cidr)!, ip(addr))).toBe(want)
  })

  test('mapped 16-byte bytes from a socket match an IPv4 network', () => {
    const raw = bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 7)
    expect(cidrContains(parseCidr('10.0.0.0/24')!, raw)).toBe(true)
  })

  test.each([
    ['10.0.0.0/33'],
    ['10.0.0.0/'],
    ['10.0.0.0/-1'],
    ['10.0.0.0/08'],
    ['10.0.0.0/8/8'],
    ['::/129'],
    ['x/8'],
    [''],
    ['10.0.0.0/ 8'],
  ])('invalid CIDR %j → null', (text) => {
    expect(parseCidr(text)).toBeNull()
  })

  test('parseCidr normalises', () => {
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({ bytes: bytes(10, 0, 0, 0), prefix: 8 })
    expect(parseCidr('1.2.3.4')).toEqual({ bytes: bytes(1, 2, 3, 4), prefix: 32 })
    expect(parseCidr('2001:db8::1')!.prefix).toBe(128)
  })

  test('CidrSet matches and names invalid entries', () => {
    const set = new CidrSet(['10.0.0.0/8', ' 2001:db8::/32 ', '::ffff:192.168.0.0/112'])
    expect(set.has(ip('10.2.3.4'))).toBe(true)
    expect(set.has(ip('192.168.3.4'))).toBe(true)
    expect(set.has(ip('2001:db8::9'))).toBe(true)
    expect(set.has(ip('8.8.8.8'))).toBe(false)
    expect(set.has(ip('2001:db9::9'))).toBe(false)
    expect(() => new CidrSet(['10.0.0.0/8', 'proxy.local'])).toThrow(/proxy\.local/)
    expect(() => new CidrSet(['1.2.3.4/40'])).toThrow(/1\.2\.3\.4\/40/)
  })
})

describe('limiterKeyBytes', () => {
  test.each([
    ['1.2.3.4', '01020304'],
    ['::ffff:1.2.3.4', '01020304'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '20010db800010002'],
    ['2001:db8:1:2::1', '20010db800010002'],
    ['2001:db8:1:3::1', '20010db800010003'],
  ])('%s → %s', (text, hex) => {
    expect(Buffer.from(limiterKeyBytes(ip(text))).toString('hex')).toBe(hex)
  })

  test('raw mapped socket bytes key like IPv4', () => {
    expect(limiterKeyBytes(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4))).toEqual(bytes(1, 2, 3, 4))
  })
})

describe('clientIpFromForwarded', () => {
  const trusted = new CidrSet(['10.0.0.0/8', '2001:db8:ffff::/48'])
  const proxy = ip('10.0.0.1')
  const outsider = ip('198.51.100.7')

  test.each([
    ['untrusted peer ignores XFF', outsider, '203.0.113.5', '198.51.100.7'],
    ['trusted peer, one client', proxy, '203.0.113.5', '203.0.113.5'],
    ['client, proxy2 (trusted) → client', proxy, '203.0.113.5, 10.0.0.2', '203.0.113.5'],
    ['spoofed left-most ignored', proxy, '1.1.1.1, 203.0.113.5, 10.0.0.2', '203.0.113.5'],
    ['garbage tokens skipped', proxy, '203.0.113.5, unknown, , 10.0.0.2', '203.0.113.5'],
    ['all trusted → peer', proxy, '10.0.0.3, 10.0.0.2', '10.0.0.1'],
    ['none valid → peer', proxy, 'unknown, garbage', '10.0.0.1'],
    ['empty header → peer', proxy, '', '10.0.0.1'],
    ['IPv6 client', proxy, '2001:db8:1::5, 10.0.0.2', '2001:db8:1::5'],
    ['trusted IPv6 proxy hop', proxy, '203.0.113.5, 2001:db8:ffff::1', '203.0.113.5'],
    ['mapped client folded', proxy, '::ffff:203.0.113.5', '203.0.113.5'],
    ['bracketed with port', proxy, '[2001:db8:1::5]:4711', '2001:db8:1::5'],
    ['IPv4 with port', proxy, '203.0.113.5:4711', '203.0.113.5'],
    ['no spaces', proxy, '1.1.1.1,203.0.113.5,10.0.0.2', '203.0.113.5'],
  ])('%s', (_name, peer, xff, want) => {
    expect(formatIp(clientIpFromForwarded(peer, xff, trusted))).toBe(want)
  })

  test('mapped trusted peer from the socket is recognised', () => {
    const raw = bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 1)
    expect(formatIp(clientIpFromForwarded(raw, '203.0.113.5', trusted))).toBe('203.0.113.5')
  })

  test('a very long header is bounded and falls back to the peer', () => {
    expect(formatIp(clientIpFromForwarded(proxy, `1.1.1.1,${'10.0.0.9,'.repeat(1000)}10.0.0.2`, trusted))).toBe(
      '10.0.0.1',
    )
  })
})
