import request from 'supertest';
import type { App } from 'supertest/types';
import { adminAuth } from './helpers/test-app';

export const STRONG_PASSWORD = 'lantern-orbit-velvet-42';

export function createClient(server: App, fields: Record<string, unknown> = {}) {
  return request(server)
    .post('/admin/clients')
    .set(adminAuth)
    .send({
      client_name: 'Acme Dashboard',
      redirect_uris: ['https://app.example.com/callback'],
      ...fields,
    });
}

export function createUser(server: App, fields: Record<string, unknown> = {}) {
  return request(server)
    .post('/admin/users')
    .set(adminAuth)
    .send({ username: 'alice', password: STRONG_PASSWORD, ...fields });
}
