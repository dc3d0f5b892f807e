// The stage as the public frames tell it: the event, the question on air and the answered Q&As,
// newest first. Shared by the big screen (screen.js) and the embeddable feed (embed.js); the
// audience page keeps fuller lists (audience/frames.js).

export function removeFrom(list, id) {
  const i = list.findIndex((q) => q.id === id);
  if (i >= 0) list.splice(i, 1);
}

// Apply one public frame to `stage` ({event, onAir, answered}); whether it was one of these.
export function applyStage(stage, f) {
  const q = f.question;
  switch (f.type) {
    case 'snapshot':
      stage.event = f.event || stage.event;
      stage.onAir = f.on_air || null;
      stage.answered = Array.isArray(f.answered) ? f.answered.slice() : [];
      return true;
    case 'question.on_air':
      if (q) stage.onAir = q;
      return true;
    case 'question.off_air':
    case 'question.transferred':
      if (q && stage.onAir && stage.onAir.id === q.id) stage.onAir = null;
      return true;
    case 'answer.posted':
      if (q) {
        if (stage.onAir && stage.onAir.id === q.id) stage.onAir = null;
        removeFrom(stage.answered, q.id);
        stage.answered.unshift({ ...q, status: 'answered' });
      }
      return true;
    case 'question.updated':
    case 'answer.corrected':
      // a published question changed (text, unit, corrected answer): update it wherever it is
      if (q) {
        const i = stage.answered.findIndex((x) => x.id === q.id);
        if (i >= 0) stage.answered[i] = { ...stage.answered[i], ...q };
        if (stage.onAir && stage.onAir.id === q.id) stage.onAir = { ...stage.onAir, ...q };
      }
      return true;
    case 'question.unpublished': {
      const id = Number(f.question_id);
      removeFrom(stage.answered, id);
      if (stage.onAir && stage.onAir.id === id) stage.onAir = null;
      return true;
    }
    case 'event.status':
    case 'event.updated':
      if (f.event) stage.event = f.event;
      return true;
    default:
      return false;
  }
}
