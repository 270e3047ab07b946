// Copy buttons: <button data-copy="ID"> copies the value of the element with that id.
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    const status = document.getElementById(`${button.dataset.copy}-status`);
    try {
      await navigator.clipboard.writeText(source.value);
      if (status) status.textContent = 'Copied to the clipboard.';
    } catch {
      source.select();
      if (status) status.textContent = 'Select the token and copy it (Ctrl+C or ⌘C).';
    }
  });
}

// The API console of the home page: runs the command in the textarea with the session, shows the
// status, the rate-limit fields and the answer, and copies the command as a curl line.
const run = document.getElementById('console-run');
if (run) {
  const input = document.getElementById('console-command');
  const examples = document.getElementById('console-example');
  const status = document.getElementById('console-status');
  const output = document.getElementById('console-output');

  examples.addEventListener('change', () => {
    input.value = examples.value;
  });

  /** The command as compact JSON, or null (and why, in the status line) when it is not JSON. */
  const commandBody = () => {
    try {
      return JSON.stringify(JSON.parse(input.value));
    } catch (error) {
      status.textContent = `Not JSON: ${error.message}`;
      return null;
    }
  };

  const send = async () => {
    const body = commandBody();
    if (body === null) return;
    run.disabled = true;
    status.textContent = 'Running…';
    const started = performance.now();
    try {
      const response = await fetch('/api/commands', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        credentials: 'same-origin',
      });
      const ms = Math.round(performance.now() - started);
      const text = await response.text();
      let shown = text;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch {}
      const limits = response.headers.get('ratelimit');
      status.textContent = `HTTP ${response.status} in ${ms} ms${limits ? ` · RateLimit: ${limits}` : ''}`;
      output.textContent = shown;
    } catch (error) {
      status.textContent = `The request failed: ${error.message}`;
    } finally {
      run.disabled = false;
    }
  };

  run.addEventListener('click', send);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    }
  });

  document.getElementById('console-curl').addEventListener('click', async () => {
    const body = commandBody();
    if (body === null) return;
    const quoted = `'${body.replaceAll("'", "'\\''")}'`;
    const line = `curl -s ${location.origin}/api/commands -H 'Authorization: Token <your token>' -H 'Content-Type: application/json' -d ${quoted}`;
    try {
      await navigator.clipboard.writeText(line);
      status.textContent = 'Copied as curl: put one of your API tokens in place of <your token>.';
    } catch {
      output.textContent = line;
      status.textContent = 'Copy the curl line below; put one of your API tokens in place of <your token>.';
    }
  });
}
