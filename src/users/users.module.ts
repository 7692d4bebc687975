import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CredentialsService } from './credentials.service';
import { LoginAttempt } from './login-attempt.entity';
import { LoginThrottleService } from './login-throttle.service';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, LoginAttempt])],
  controllers: [UsersController],
  providers: [UsersService, LoginThrottleService, CredentialsService],
  exports: [UsersService, CredentialsService],
})
export class UsersModule {}
