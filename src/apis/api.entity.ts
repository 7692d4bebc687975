import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ACCESS_TOKEN_FORMATS } from '../clients/client.entity';

export const API_TOKEN_FORMATS = ACCESS_TOKEN_FORMATS;
export type ApiTokenFormat = (typeof API_TOKEN_FORMATS)[number];

// A scope an API defines, with how it reads on the consent page.
export type ApiScope = { value: string; description: string };

// An API (a resource server, RFC 8707) that tokens can be issued for.
@Entity('apis')
export class Api {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  // An absolute URI: what clients send as `resource` (or `audience`), and the tokens' `aud`.
  @Column({ type: 'varchar', length: 255 })
  identifier!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'simple-json' })
  scopes!: ApiScope[];

  @Column({ type: 'varchar', length: 16 })
  accessTokenFormat!: ApiTokenFormat;

  // Seconds.
  @Column({ type: 'int' })
  accessTokenTtl!: number;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}
