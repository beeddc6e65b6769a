/**
 * The node:http comparison point of the end-to-end bench: a plain `node:http` server answering every POST
 * with 202 after reading the whole body — what a "typical Node stack" starts from before doing any work.
 *
 *   node dist/bench/floor-node.js [port]   → prints {"port":N}; SIGTERM exits
 * @module
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

const port = Number(process.argv[2] ?? 0)
let bodyBytes = 0

const server = http.createServer((req, res) => {
  req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length))
  req.on('end', () => {
    res.statusCode = req.method === 'POST' ? 202 : 405
    res.end()
  })
})
server.keepAliveTimeout = 60_000

server.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ target: 'floor-node', port: (server.address() as AddressInfo).port }))
})

process.on('SIGTERM', () => {
  console.log(JSON.stringify({ target: 'floor-node', bodyBytes }))
  process.exit(0)
})
