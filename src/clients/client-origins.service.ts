import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Client } from './client.entity';

// The browser origins usable clients list in allowed_origins, for CORS.
@Injectable()
export class ClientOrigins {
  constructor(@InjectRepository(Client) private readonly clients: Repository<Client>) {}

  // Whether a usable client lists this origin. The LIKE narrows the rows to those whose JSON list
  // holds the quoted origin; the exact check is done in code.
  async isAllowedOrigin(origin: string): Promise<boolean> {
    const quoted = JSON.stringify(origin).replace(/[!%_]/g, '!$&');
    const candidates = await this.clients
      .createQueryBuilder('client')
      .select(['client.clientId', 'client.allowedOrigins'])
      .where('client.enabled = :enabled', { enabled: true })
      .andWhere('client.status = :approved', { approved: 'approved' })
      .andWhere("client.allowed_origins LIKE :pattern ESCAPE '!'", { pattern: `%${quoted}%` })
      .getMany();
    return candidates.some((client) => client.allowedOrigins.includes(origin));
  }
}
