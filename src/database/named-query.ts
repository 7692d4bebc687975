import { DataSource } from 'typeorm';

export const isMysql = (dataSource: DataSource) => dataSource.options.type === 'mysql';
