// Citadel's external API as a Node.js user reaches it: through odoo-await's own
// methods (XML-RPC on /xmlrpc/2/common and /xmlrpc/2/object), following Odoo's
// External API page, against a running `citadel serve`. Started by
// ../odoo_await_e2e.py, which passes the server's URL, tenant and admin through
// CITADEL_URL, CITADEL_DB, CITADEL_LOGIN, CITADEL_PASSWORD and trusts its CA
// with NODE_EXTRA_CA_CERTS. Each test makes its own records, named after this
// run, so the tests do not depend on each other's order.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import Odoo from 'odoo-await';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through tests/e2e/odoo_await_e2e.py)`);
  return value;
};
const config = { baseUrl: env('CITADEL_URL'), db: env('CITADEL_DB'),
                 username: env('CITADEL_LOGIN'), password: env('CITADEL_PASSWORD') };
const run = `OA-${Date.now().toString(36)}`;  // unique names for this run's records
const odoo = new Odoo(config);

// odoo-await's execute_kw takes the rest of Odoo's execute_kw arguments as one
// array, [args, kwargs], and mutates it: build it fresh on every call.
const call = (model, method, args, kw = {}) => odoo.execute_kw(model, method, [args, kw]);
const partner = (values) => odoo.create('res.partner', { ...values, name: `${run} ${values.name}` });

before(async () => { await odoo.connect(); });

test('connect authenticates as the admin and answers its uid', async () => {
  const [admin] = await odoo.searchRead('res.users', [['login', '=', config.username]], ['login']);
  assert.equal(odoo.uid, admin.id);
});

test('connect refuses a wrong password and an unknown database alike', async () => {
  for (const wrong of [{ password: `${config.password}x` }, { db: 'nosuchtenant' }]) {
    await assert.rejects(new Odoo({ ...config, ...wrong }).connect(), /invalid credentials/);
  }
});

test('a call with the wrong password is Access Denied (fault 3)', async () => {
  const intruder = new Odoo({ ...config, password: `${config.password}x` });
  intruder.uid = odoo.uid;  // as if it had connected: the server must check every call
  await assert.rejects(intruder.search('res.partner', []), { faultCode: 3, faultString: 'Access Denied' });
});

test('check_access_rights through execute_kw', async () => {
  assert.equal(await call('res.partner', 'check_access_rights', ['unlink'], { raise_exception: false }), true);
  // Odoo 18's check_access_rights(raise_exception=True) returns check_access()'s None.
  assert.equal(await call('res.partner', 'check_access_rights', ['read'], { raise_exception: true }), null);
});

test('create, read with fields, update, delete', async () => {
  const id = await partner({ name: 'Crud', city: 'Ghent', email: 'crud@example.com' });
  assert.ok(Number.isInteger(id) && id > 0, `create answered ${id}`);
  assert.deepEqual(await odoo.read('res.partner', id, ['name', 'city', 'email']),
                   [{ id, name: `${run} Crud`, city: 'Ghent', email: 'crud@example.com' }]);
  // odoo-await sends a bare id (not a list) for write and unlink, as Odoo accepts.
  assert.equal(await odoo.update('res.partner', id, { city: 'Bruges', phone: '+32 50 00 00 00' }), true);
  const [after] = await odoo.read('res.partner', [id], ['city', 'phone', 'email']);
  assert.deepEqual(after, { id, city: 'Bruges', phone: '+32 50 00 00 00', email: 'crud@example.com' });
  assert.equal(await odoo.delete('res.partner', id), true);
  assert.deepEqual(await odoo.search('res.partner', { id }), []);
  await assert.rejects(odoo.update('res.partner', id, { city: 'Mons' }),
                       { faultCode: 2, faultString: /^Record does not exist or has been deleted\./ });
});

test('read of a deleted record answers nothing, as Odoo 18', async () => {
  const id = await partner({ name: 'Read Deleted' });
  await odoo.delete('res.partner', id);
  // Odoo 18's read() fetches what exists and _read_format leaves out the rest.
  assert.deepEqual(await odoo.read('res.partner', [id], ['name']), []);
});

test('search with a domain, offset, limit and order; search_count', async () => {
  const ids = [];
  for (const name of ['Search A', 'Search B', 'Search C']) ids.push(await partner({ name }));
  const mine = ['name', '=like', `${run} Search %`];
  // odoo-await accepts a single leaf, a list of leaves, or an object of equalities.
  assert.deepEqual((await odoo.search('res.partner', mine)).sort(), [...ids].sort());
  assert.deepEqual(await odoo.search('res.partner', { name: `${run} Search B` }), [ids[1]]);
  assert.deepEqual(await odoo.search('res.partner', ['|', ['id', '=', ids[0]], ['name', '=', `${run} Search C`]])
                     .then((found) => found.sort()), [ids[0], ids[2]].sort());
  assert.deepEqual(await call('res.partner', 'search', [[mine]], { offset: 1, limit: 1, order: 'name asc' }),
                   [ids[1]]);
  assert.deepEqual(await call('res.partner', 'search', [[mine]], { order: 'name desc' }), [...ids].reverse());
  assert.equal(await call('res.partner', 'search_count', [[mine]]), 3);
});

test('a bad domain is a ValidationError (fault 2), not an empty answer', async () => {
  await assert.rejects(odoo.search('res.partner', [['no_such_field', '=', 1]]),
                       { faultCode: 2, faultString: /^Invalid field res\.partner\.no_such_field in leaf / });
  await assert.rejects(odoo.search('res.partner', [['name', 'resembles', 'x']]), { faultCode: 2 });
});

test('searchRead with its defaults, the README options and a context', async () => {
  const ids = [];
  for (const name of ['List 1', 'List 2', 'List 3']) ids.push(await partner({ name, city: 'Leuven' }));
  const mine = [['name', '=like', `${run} List %`]];
  // Its defaults send limit 0, which Odoo reads as "no limit".
  const all = await odoo.searchRead('res.partner', mine, ['name', 'city']);
  assert.deepEqual(all.map((r) => r.id).sort(), [...ids].sort());
  assert.deepEqual(all.find((r) => r.id === ids[0]), { id: ids[0], name: `${run} List 1`, city: 'Leuven' });
  // The README's form: options left out travel as empty <value/>s (xmlrpc's undefined).
  const page = await odoo.searchRead('res.partner', mine, ['name'], { limit: 2, offset: 1, order: 'name desc' });
  assert.deepEqual(page, [{ id: ids[1], name: `${run} List 2` }, { id: ids[0], name: `${run} List 1` }]);
  assert.deepEqual((await odoo.searchRead('res.partner', mine, ['name'], { limit: 1 })).length, 1);
  // Archived records are found only with active_test off in the context.
  await odoo.update('res.partner', ids[2], { active: false });
  const defaults = { offset: 0, limit: 0, order: 'id' };
  assert.deepEqual((await odoo.searchRead('res.partner', mine, ['name'], { ...defaults, context: {} }))
                     .map((r) => r.id), ids.slice(0, 2));
  assert.deepEqual((await odoo.searchRead('res.partner', mine, ['name'],
                                          { ...defaults, context: { active_test: false } })).map((r) => r.id), ids);
});

test('getFields with chosen attributes; with none named, fields_get gives them all', async () => {
  const some = await odoo.getFields('res.partner', ['string', 'type', 'required']);
  assert.deepEqual(some.name, { string: 'Name', type: 'char', required: false });
  assert.equal(some.category_id.type, 'many2many');
  // odoo-await's README says leaving attributes out returns all of them, but it
  // sends attributes=[], which Odoo (get_description) reads as "none of them".
  const bare = await odoo.getFields('res.partner');
  assert.deepEqual([bare.name, bare.country_id], [{}, {}]);
  const all = await call('res.partner', 'fields_get', []);
  assert.equal(all.country_id.relation, 'res.country');
  assert.equal(all.name.type, 'char');
});

test('name_search finds a record by a piece of its name', async () => {
  const id = await partner({ name: 'Findable Walrus' });
  assert.deepEqual(await call('res.partner', 'name_search', ['Findable Walrus']), [[id, `${run} Findable Walrus`]]);
  assert.deepEqual(await call('res.partner', 'name_search', [`${run} nothing like it`]), []);
});

test("many2many through odoo-await's actions (Odoo's write commands)", async () => {
  const id = await partner({ name: 'Tagged' });
  const tags = async () => (await odoo.read('res.partner', id, ['category_id']))[0].category_id.sort((a, b) => a - b);
  const tag = (name) => odoo.create('res.partner.category', { name: `${run} ${name}` });
  const [red, blue] = [await tag('Red'), await tag('Blue')];

  await odoo.update('res.partner', id, { category_id: { action: 'create', value: [{ name: `${run} Green` }] } });
  const [green] = await odoo.search('res.partner.category', { name: `${run} Green` });
  assert.deepEqual(await tags(), [green]);
  await odoo.update('res.partner', id, { category_id: { action: 'add', id: [red, blue] } });
  assert.deepEqual(await tags(), [green, red, blue].sort((a, b) => a - b));
  await odoo.update('res.partner', id, { category_id: { action: 'remove', id: red } });
  assert.deepEqual(await tags(), [green, blue].sort((a, b) => a - b));
  assert.equal((await odoo.read('res.partner.category', red, ['name'])).length, 1, 'remove keeps the tag');
  await odoo.update('res.partner', id, { category_id: { action: 'update', id: blue, value: { name: `${run} Navy` } } });
  assert.deepEqual(await odoo.read('res.partner.category', blue, ['name']), [{ id: blue, name: `${run} Navy` }]);
  await odoo.update('res.partner', id, { category_id: { action: 'replace', id: red } });
  assert.deepEqual(await tags(), [red]);
  await odoo.update('res.partner', id, { category_id: { action: 'clear' } });
  assert.deepEqual(await tags(), []);
  await odoo.update('res.partner', id, { category_id: [red, blue] });  // a plain list of ids sets them
  assert.deepEqual(await tags(), [red, blue].sort((a, b) => a - b));
  await odoo.update('res.partner', id, { category_id: { action: 'delete', id: red } });
  assert.deepEqual(await tags(), [blue]);
  assert.deepEqual(await odoo.search('res.partner.category', { id: red }), [], 'delete removes the tag itself');
});

test('external ids: create with one, find, read, update and delete by it', async () => {
  const xid = `${run.toLowerCase()}_partner`;
  const id = await odoo.create('res.partner', { name: `${run} External` }, xid);
  const [data] = await odoo.searchRead('ir.model.data', { name: xid }, ['module', 'model', 'res_id']);
  assert.deepEqual(data, { id: data.id, module: '__api__', model: 'res.partner', res_id: id });
  assert.equal(await odoo.searchByExternalId(xid), id);
  assert.deepEqual(await odoo.readByExternalId(xid, ['name']), { id, name: `${run} External` });
  assert.equal(await odoo.updateByExternalId(xid, { city: 'Namur' }), true);
  assert.deepEqual(await odoo.read('res.partner', id, ['city']), [{ id, city: 'Namur' }]);
  // An external id is unique per module: a second one of the same name is refused.
  const other = await partner({ name: 'Other' });
  await assert.rejects(odoo.createExternalId('res.partner', other, xid), { faultCode: 2 });
  assert.equal(await odoo.deleteByExternalId(xid), true);
  assert.deepEqual(await odoo.search('res.partner', { id }), []);
});

test("deleting a record deletes its external ids, as Odoo's unlink", async () => {
  const xid = `${run.toLowerCase()}_reused`;
  await odoo.create('res.partner', { name: `${run} Gone` }, xid);
  await odoo.deleteByExternalId(xid);
  await assert.rejects(odoo.searchByExternalId(xid), /No matching record found/);
  // so the name is free for another record
  const other = await partner({ name: 'Reuses The Name' });
  await odoo.createExternalId('res.partner', other, xid);
  assert.equal(await odoo.searchByExternalId(xid), other);
});

test('a portal user connects but may not create tags (AccessError, fault 4)', async () => {
  const [portal] = await odoo.searchRead('ir.model.data', [['module', '=', 'base'], ['name', '=', 'group_portal']],
                                         ['res_id']);
  const login = `${run.toLowerCase()}-portal@example.com`;
  const password = `${run}-portal-secret`;
  const uid = await odoo.create('res.users', { name: `${run} Portal`, login, password,
                                               groups_id: { action: 'replace', id: portal.res_id } });
  const visitor = new Odoo({ ...config, username: login, password });
  assert.equal(await visitor.connect(), uid);
  assert.equal(await visitor.execute_kw('res.partner.category', 'check_access_rights',
                                        [['create'], { raise_exception: false }]), false);
  await assert.rejects(visitor.create('res.partner.category', { name: `${run} Not Allowed` }),
                       { faultCode: 4, faultString: /not allowed/ });
  assert.deepEqual(await odoo.search('res.partner.category', { name: `${run} Not Allowed` }), []);
});
