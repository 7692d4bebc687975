// The ceiling: a bare node:http server answering a fixed JSON body, as /api/me answers one.
import { createServer } from 'node:http';

const body = JSON.stringify({ sub: '00000000-0000-0000-0000-000000000000', username: 'bench' });
const port = Number(process.env.PORT);
createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(body);
}).listen(port, '127.0.0.1', () => {
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
});
