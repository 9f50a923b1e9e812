import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SigningKeyEntity } from './entities/signing-key.entity.js';
import { KeysController } from './keys.controller.js';
import { SigningKeyService } from './signing-key.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity])],
  controllers: [KeysController],
  providers: [SigningKeyService],
  exports: [SigningKeyService],
})
export class KeysModule {}
