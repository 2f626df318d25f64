#!/usr/bin/env python3
"""A tiny Chrome DevTools Protocol client (standard library only) for tests/e2e/console_e2e.sh:
opens a URL in headless Chromium, waits for the page's JS, evaluates expressions in the page
(e.g. clicking a button of the console), prints their values as JSON lines, and can take a
screenshot.  Usage: cdp.py URL STEP...  where a STEP is `wait:SECONDS`, `eval:EXPRESSION`,
`until:EXPRESSION` (re-evaluated every 0.2 s, up to 20 s, until truthy) or `shot:FILE.png`."""
import base64, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request


class WebSocket:
    def __init__(self, url):
        assert url.startswith('ws://')
        hostport, path = url[5:].split('/', 1)
        host, port = hostport.split(':')
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(('GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                           'Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n' % (path, hostport, key)).encode())
        header = b''
        while b'\r\n\r\n' not in header:
            header += self.sock.recv(1)
        if b' 101 ' not in header.split(b'\r\n')[0]:
            raise RuntimeError('websocket handshake: %r' % header)

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        head = bytes([0x81])
        n = len(data)
        head += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, 'big') if n < 65536 else \
            bytes([0x80 | 127]) + n.to_bytes(8, 'big')
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exact(self, n):
        out = b''
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise RuntimeError('websocket closed')
            out += chunk
        return out

    def receive(self):
        message = b''
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7f
            if n == 126:
                n = int.from_bytes(self._exact(2), 'big')
            elif n == 127:
                n = int.from_bytes(self._exact(8), 'big')
            message += self._exact(n)
            if b0 & 0x80:
                return message.decode()


class Page:
    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({'id': self.next_id, 'method': method, 'params': params}))
        while True:
            answer = json.loads(self.ws.receive())
            if answer.get('id') == self.next_id:
                if 'error' in answer:
                    raise RuntimeError('%s: %s' % (method, answer['error']))
                return answer['result']

    def evaluate(self, expression):
        result = self.call('Runtime.evaluate', expression=expression, returnByValue=True, awaitPromise=True)
        if 'exceptionDetails' in result:
            raise RuntimeError('%s: %s' % (expression, result['exceptionDetails']))
        return result['result'].get('value')


def main():
    url, steps = sys.argv[1], sys.argv[2:]
    profile = tempfile.mkdtemp(prefix='omsql-chromium-')
    browser = subprocess.Popen(['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
                                '--window-size=1280,1400', '--remote-debugging-port=0', '--user-data-dir=' + profile,
                                'about:blank'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, 'DevToolsActivePort')
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().count('\n') >= 1:
                break
            time.sleep(0.1)
        port = int(open(port_file).read().split('\n')[0])
        targets = json.load(urllib.request.urlopen('http://127.0.0.1:%d/json/list' % port))
        page = Page(WebSocket(next(t for t in targets if t['type'] == 'page')['webSocketDebuggerUrl']))
        page.call('Page.enable')
        page.call('Page.navigate', url=url)
        for step in steps:
            kind, _, arg = step.partition(':')
            if kind == 'wait':
                time.sleep(float(arg))
            elif kind == 'eval':
                print(json.dumps(page.evaluate(arg)), flush=True)
            elif kind == 'until':
                deadline = time.time() + 20
                value = None
                while time.time() < deadline:
                    try:
                        value = page.evaluate(arg)
                    except RuntimeError:
                        value = None
                    if value:
                        break
                    time.sleep(0.2)
                if not value:
                    sys.exit('never true: ' + arg)
            elif kind == 'shot':
                shot = page.call('Page.captureScreenshot', format='png', captureBeyondViewport=True)
                open(arg, 'wb').write(base64.b64decode(shot['data']))
            else:
                sys.exit('unknown step ' + step)
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == '__main__':
    main()
