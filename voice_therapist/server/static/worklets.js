// Audio worklets for the talk page. They run on the audio thread at the context's rate (16 kHz).

// Collects the input into 20 ms frames of int16 and posts each with its level.
class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.size = Math.round(sampleRate / 50);
    this.frame = new Int16Array(this.size);
    this.filled = 0;
  }
  process(inputs) {
    const input = inputs[0][0];
    if (!input) return true;
    for (let i = 0; i < input.length; i++) {
      const s = Math.max(-1, Math.min(1, input[i]));
      this.frame[this.filled++] = s < 0 ? s * 32768 : s * 32767;
      if (this.filled === this.size) {
        let sum = 0;
        for (let j = 0; j < this.size; j++) sum += this.frame[j] * this.frame[j];
        const rms = Math.sqrt(sum / this.size) / 32768;
        this.port.postMessage({ pcm: this.frame, rms }, [this.frame.buffer]);
        this.frame = new Int16Array(this.size);
        this.filled = 0;
      }
    }
    return true;
  }
}

// Plays queued int16 frames; {clear: true} drops everything still queued (barge-in).
class PlaybackProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.queue = [];
    this.offset = 0;
    this.port.onmessage = (event) => {
      if (event.data.clear) { this.queue = []; this.offset = 0; }
      else this.queue.push(event.data.pcm);
    };
  }
  process(inputs, outputs) {
    const out = outputs[0][0];
    for (let i = 0; i < out.length; i++) {
      if (!this.queue.length) { out[i] = 0; continue; }
      const head = this.queue[0];
      out[i] = head[this.offset++] / 32768;
      if (this.offset >= head.length) { this.queue.shift(); this.offset = 0; }
    }
    return true;
  }
}

registerProcessor("capture", CaptureProcessor);
registerProcessor("playback", PlaybackProcessor);
