// Reconnecting WebSocket client with seq tracking and gap detection.
//
//   const sock = new LiveSocket('/ws/events/slug', {
//     onFrame(frame) {...},          // every frame, in order, duplicates dropped
//     onState(state) {...},          // 'connecting' | 'open' | 'reconnecting' | 'gone' | 'forbidden'
//     resume: true,                  // reconnect with ?since=<last seq> (audience)
//   });
//   sock.start(); sock.send({type: 'vote', question: 42});
//
// A `snapshot` frame sets the known seq. A frame with `seq` <= the known seq
// is a duplicate and dropped; a frame with `seq` > known + 1 reveals a gap:
// the socket reconnects with since=<known> (or for a fresh snapshot when
// resume is false) and the frame is not delivered.

const FIRST_RETRY = [250, 3000]; // ms: the first retry after a drop lands anywhere in this window
const BACKOFF = [2000, 4000, 8000, 15000, 30000]; // later retries: half to all of these
const PING_EVERY = 25000;
const SILENCE_LIMIT = 65000;

export class LiveSocket {
  constructor(path, { onFrame, onState, resume = true } = {}) {
    this.path = path;
    this.onFrame = onFrame || (() => {});
    this.onState = onState || (() => {});
    this.resume = resume;
    this.seq = null;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.pingTimer = null;
    this.lastHeard = 0;
    this.stopped = false;
    this.state = 'idle';
    this.everOpen = false;
    this.gapCount = 0;
    this._onOnline = () => {
      if (this.state === 'reconnecting') this._reconnectNow();
    };
  }

  start() {
    this.stopped = false;
    window.addEventListener('online', this._onOnline);
    this._connect();
    return this;
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this._onOnline);
    clearTimeout(this.timer);
    clearInterval(this.pingTimer);
    if (this.ws) {
      try { this.ws.close(1000); } catch { /* ignore */ }
    }
    this.ws = null;
  }

  get isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  send(obj) {
    if (!this.isOpen) return false;
    try {
      this.ws.send(JSON.stringify(obj));
      return true;
    } catch {
      return false;
    }
  }

  // Force a fresh connection (keeps seq for resuming).
  reconnect() {
    this._reconnectNow();
  }

  _url() {
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    let url = `${proto}//${window.location.host}${this.path}`;
    if (this.resume && this.seq !== null && this.seq !== undefined) {
      url += `${url.includes('?') ? '&' : '?'}since=${encodeURIComponent(this.seq)}`;
    }
    return url;
  }

  _setState(s) {
    if (this.state === s) return;
    this.state = s;
    try { this.onState(s); } catch (e) { console.error(e); }
  }

  _connect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (!this.resume) this.seq = null;
    if (this.state !== 'reconnecting') this._setState(this.everOpen ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(this._url());
    } catch (e) {
      console.error(e);
      this._schedule();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this._ping(ws), PING_EVERY);
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (!frame || typeof frame !== 'object') return;
      this._handle(frame, ws);
    });
    ws.addEventListener('close', (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.pingTimer);
      if (this.stopped) return;
      if (ev.code === 4004) { this._setState('gone'); return; }
      if (ev.code === 4003) { this._setState('forbidden'); return; }
      if (ev.code === 4000) {
        // server asks us to resume (we fell behind or it restarts)
        this.everOpen = true;
        this._setState('reconnecting');
        this.timer = setTimeout(() => this._connect(), 200 + Math.random() * 1800);
        return;
      }
      if (ev.code === 1008 || ev.code === 1009) this.attempt = Math.max(this.attempt, 3);
      this._schedule();
    });
    ws.addEventListener('error', () => { /* a close event follows */ });
  }

  _handle(frame, ws) {
    if (frame.type === 'snapshot') {
      this.seq = typeof frame.seq === 'number' ? frame.seq : null;
      this._opened();
      this._deliver(frame);
      return;
    }
    if (typeof frame.seq === 'number') {
      if (this.seq !== null) {
        if (frame.seq <= this.seq) return; // duplicate
        if (frame.seq > this.seq + 1) {
          // missed at least one change: resume from the last one we applied
          this.gapCount += 1;
          this._dropAndReconnect(ws, this.gapCount > 3);
          return;
        }
      }
      this.seq = frame.seq;
      this.gapCount = 0;
    }
    this._opened();
    this._deliver(frame);
  }

  _opened() {
    if (this.state !== 'open') {
      this.attempt = 0;
      this.everOpen = true;
      this._setState('open');
    }
  }

  _deliver(frame) {
    try {
      this.onFrame(frame);
    } catch (e) {
      console.error('frame handler failed', frame && frame.type, e);
    }
  }

  _dropAndReconnect(ws, slow) {
    this.ws = null;
    clearInterval(this.pingTimer);
    try { ws.close(1000); } catch { /* ignore */ }
    this.everOpen = true;
    this._setState('reconnecting');
    if (slow) this._schedule();
    else this.timer = setTimeout(() => this._connect(), 50);
  }

  _reconnectNow() {
    const ws = this.ws;
    if (ws) {
      this._dropAndReconnect(ws, false);
    } else {
      clearTimeout(this.timer);
      this._connect();
    }
  }

  _ping(ws) {
    if (ws !== this.ws || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastHeard > SILENCE_LIMIT) {
      this._dropAndReconnect(ws, true);
      return;
    }
    try { ws.send(JSON.stringify({ type: 'ping' })); } catch { /* ignore */ }
  }

  _schedule() {
    if (this.stopped) return;
    this._setState(this.everOpen || this.attempt > 0 ? 'reconnecting' : 'connecting');
    // Spread out: when a server process restarts, its thousands of viewers must not all
    // come back in the same second (the first retry lands anywhere in 0.25–3 s, later
    // ones between half and all of the backoff step).
    const [low, high] = FIRST_RETRY;
    const base = BACKOFF[Math.min(this.attempt - 1, BACKOFF.length - 1)];
    const delay = this.attempt === 0 ? low + Math.random() * (high - low) : base * (0.5 + Math.random() * 0.5);
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this._connect(), delay);
  }
}

// Show the banner element while the socket is reconnecting.
export function bindBanner(banner, { gone, forbidden } = {}) {
  let slowTimer = null;
  return (state) => {
    if (!banner) return;
    clearTimeout(slowTimer);
    if (state === 'open') {
      banner.hidden = true;
      banner.classList.remove('is-fatal');
      return;
    }
    if (state === 'gone' || state === 'forbidden') {
      banner.textContent = state === 'gone'
        ? (gone || '该访谈不存在或已被删除。')
        : (forbidden || '无权访问或登录已过期，请重新登录。');
      banner.classList.add('is-fatal');
      banner.hidden = false;
      return;
    }
    if (state === 'reconnecting') {
      banner.textContent = '连接中断，正在重连…';
      banner.hidden = false;
      return;
    }
    if (state === 'connecting') {
      // only bother the user when the first connection is slow
      slowTimer = setTimeout(() => {
        banner.textContent = '正在连接…';
        banner.hidden = false;
      }, 2500);
    }
  };
}
