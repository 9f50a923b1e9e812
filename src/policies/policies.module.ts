import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PolicyEntity } from './entities/policy.entity.js';
import { RuleEntity } from './entities/rule.entity.js';
import { PoliciesController } from './policies.controller.js';
import { PoliciesService } from './policies.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([PolicyEntity, RuleEntity])],
  controllers: [PoliciesController],
  providers: [PoliciesService],
})
export class PoliciesModule {}
