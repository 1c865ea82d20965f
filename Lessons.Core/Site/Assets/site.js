// The course site's script, written for this project (no library, nothing loaded from elsewhere).
// It only shows what each page embeds as JSON when the site is built: the backward steps of
// `lesson <id> --backward` and the frames of the training animations. It computes no gradient.
(function () {
  'use strict';

  function readData(root, selector) {
    return JSON.parse(root.querySelector(selector).textContent);
  }

  // Backward, one engine step at a time, over the graph's SVG.
  function setUpStepper(root) {
    var data = readData(root, '.stepper-data');
    var steps = data.steps;
    var last = steps.length - 1;
    var stepText = root.querySelector('.stepper-step');
    var grads = root.querySelector('.stepper-grads');
    var nodeText = root.querySelector('.stepper-node');
    var counter = root.querySelector('.stepper-counter');
    var playButton = root.querySelector('button[data-action="play"]');
    var current = 0;
    var timer = null;

    function mark(id, name) {
      var element = document.getElementById(id);
      if (element) element.classList.add(name);
    }

    function show(step) {
      current = Math.max(0, Math.min(last, step));
      root.querySelectorAll('.running, .ran, .sending, .sent').forEach(function (element) {
        element.classList.remove('running', 'ran', 'sending', 'sent');
      });
      for (var i = 1; i <= current; i++) {
        var now = i === current;
        mark(steps[i].node, now ? 'running' : 'ran');
        steps[i].edges.forEach(function (edge) { mark(edge, now ? 'sending' : 'sent'); });
      }
      stepText.textContent = steps[current].text;
      grads.textContent = steps[current].grads.join('\n');
      counter.textContent = 'step ' + current + ' of ' + last;
      root.setAttribute('data-step', String(current));
    }

    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      playButton.textContent = '▶ play';
    }

    function play() {
      if (timer !== null) { stop(); return; }
      if (current === last) show(0);
      playButton.textContent = '❚❚ pause';
      timer = setInterval(function () {
        if (current >= last) stop(); else show(current + 1);
      }, 1000);
    }

    function select(node) {
      root.querySelectorAll('g.node.selected').forEach(function (n) { n.classList.remove('selected'); });
      node.classList.add('selected');
      nodeText.textContent = data.nodes[node.id];
    }

    root.querySelectorAll('g.node').forEach(function (node) {
      if (!(node.id in data.nodes)) return;
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'button');
      node.setAttribute('aria-label', data.nodes[node.id].split('\n')[0]);
    });

    root.addEventListener('click', function (event) {
      var button = event.target.closest('button[data-action]');
      if (button) {
        var action = button.getAttribute('data-action');
        if (action === 'play') { play(); return; }
        stop();
        show(current + (action === 'next' ? 1 : -1));
        return;
      }
      var node = event.target.closest('g.node');
      if (node && node.id in data.nodes) select(node);
    });

    root.addEventListener('keydown', function (event) {
      var key = event.key;
      if (key === 'ArrowRight' || key === 'ArrowDown') { stop(); show(current + 1); }
      else if (key === 'ArrowLeft' || key === 'ArrowUp') { stop(); show(current - 1); }
      else if (key === 'Home') { stop(); show(0); }
      else if (key === 'End') { stop(); show(last); }
      else if ((key === 'Enter' || key === ' ') && event.target.matches && event.target.matches('g.node')) select(event.target);
      else if ((key === 'p' || key === 'P') && !event.target.matches('button')) play();
      else return;
      event.preventDefault();
    });

    show(0);
  }

  // A training animation: a slider over its frames, the frame's iteration and loss, a play button.
  function setUpSlider(root) {
    var data = readData(root, '.slider-data');
    var image = root.querySelector('.slider-frame');
    var range = root.querySelector('input[type="range"]');
    var label = root.querySelector('.slider-label');
    var playButton = root.querySelector('button[data-action="play"]');
    var fps = Number(root.getAttribute('data-fps')) || 2;
    var last = data.frames.length - 1;
    var timer = null;

    function show(frame) {
      frame = Math.max(0, Math.min(last, frame));
      range.value = String(frame);
      image.src = data.frames[frame];
      image.alt = image.alt.replace(/frame \d+$/, 'frame ' + (frame + 1));
      label.textContent = data.labels[frame];
    }

    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      playButton.textContent = '▶ play';
    }

    range.addEventListener('input', function () { stop(); show(Number(range.value)); });
    playButton.addEventListener('click', function () {
      if (timer !== null) { stop(); return; }
      if (Number(range.value) === last) show(0);
      playButton.textContent = '❚❚ pause';
      timer = setInterval(function () {
        var next = Number(range.value) + 1;
        if (next > last) stop(); else show(next);
      }, 1000 / fps);
    });
  }

  document.querySelectorAll('.stepper').forEach(setUpStepper);
  document.querySelectorAll('.slider').forEach(setUpSlider);
})();
