// The event's live video (event.video_url): played with the browser's own <video> where it can —
// a video file, or an HLS stream (.m3u8) where the browser plays HLS itself (Safari, most phones) —
// and left as the link the page already shows where it cannot (a partner's player page, HLS on
// desktop Chromium or Firefox).
import { h } from './dom.js';

const box = document.getElementById('ev-video');
const url = box ? box.dataset.videoUrl : '';

function mediaType(address) {
  let path = '';
  try {
    path = new URL(address).pathname.toLowerCase();
  } catch {
    return '';
  }
  if (path.endsWith('.m3u8')) return 'application/vnd.apple.mpegurl';
  if (path.endsWith('.mp4') || path.endsWith('.m4v')) return 'video/mp4';
  if (path.endsWith('.webm')) return 'video/webm';
  return '';
}

const type = url ? mediaType(url) : '';
const probe = document.createElement('video');
if (type && probe.canPlayType(type)) {
  const video = h('video', { class: 'ev-video-player', controls: true, playsinline: true, preload: 'metadata', src: url,
    'aria-label': '直播视频' });
  box.insertBefore(video, document.getElementById('ev-video-link'));
  box.dataset.player = 'video';
} else if (box) {
  box.dataset.player = 'link';
}
