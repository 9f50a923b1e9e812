import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Authenticated } from './authenticated.decorator.js';
import { PublicRoute, SessionRoute } from './route-access.js';
import { ScopeRegistry } from './scope-registry.js';
import { defineScope } from '../scopes/scope-definition.js';

const WIDGET_READ = defineScope('widget:read', 'Read widgets');

/** Every kind of declaration, and a method that is no route (the real app's list is checked in test/authorization-matrix.e2e-spec.ts). */
@Controller('widgets')
class DeclaredController {
  @Get()
  @Authenticated({ scope: WIDGET_READ, reach: 'organization' })
  list(): string[] {
    return [];
  }

  @Get('catalogue')
  @PublicRoute('The catalogue is published')
  catalogue(): string[] {
    return [];
  }

  @Post('basket')
  @SessionRoute('The browser session holds the basket')
  basket(): void {}

  /** Not a route: no access to declare. */
  helper(): number {
    return 1;
  }
}

@Controller('widgets')
class ForgetfulController {
  @Post('import')
  importWidgets(): void {}
}

async function boot(...controllers: (new () => unknown)[]) {
  @Module({ imports: [DiscoveryModule], controllers, providers: [ScopeRegistry] })
  class TestModule {}
  const module = await Test.createTestingModule({ imports: [TestModule] }).compile();
  module.useLogger(false);
  await module.init();
  return module;
}

describe('route access declarations', () => {
  it('starts when every route declares how it authenticates its caller, as far as routes go', async () => {
    // The permission bundles' own check (that their scopes exist) comes after the routes' and fails here, with no real routes.
    await expect(boot(DeclaredController)).rejects.toThrow(/Permission bundles name scopes/);
  });

  it('refuses to start with a route that declares none, naming it', async () => {
    await expect(boot(DeclaredController, ForgetfulController)).rejects.toThrow(/declare no access.*POST \/widgets\/import \(ForgetfulController\.importWidgets\)/);
  });
});
