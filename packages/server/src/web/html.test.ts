import assert from 'node:assert/strict';
import { test } from 'node:test';
import { html, joinHtml, raw } from './html.ts';

test('html escapes every value put into it', () => {
  const name = `<script>alert("x")</script> & 'quotes'`;
  assert.equal(
    html`<p title="${name}">${name}</p>`.text,
    '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>',
  );
});

test('html puts HTML made by html or marked raw in as it is, and a list item by item', () => {
  const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
  assert.equal(html`<ul>${items}</ul>`.text, '<ul><li>a&lt;b</li>\n<li>c</li></ul>');
  assert.equal(html`<div>${raw('<hr>')}</div>`.text, '<div><hr></div>');
});

test('html writes nothing for null, undefined and false, and numbers as text', () => {
  assert.equal(html`[${null}${undefined}${false}${0}${true}]`.text, '[0true]');
});

test('joinHtml escapes the separator, not the items', () => {
  assert.equal(joinHtml([html`<code>a</code>`, 'b&'], ' & ').text, '<code>a</code> &amp; b&amp;');
});
