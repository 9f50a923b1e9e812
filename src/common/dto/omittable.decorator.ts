import { ValidateIf } from 'class-validator';

/**
 * A request field that may be left out but not sent as `null`. class-validator's IsOptional skips
 * every check for `null` as well, which let `{"grant_types": null}` through to be stored, and turned
 * later requests into 500s; here `null` is checked like any other value, and refused by the
 * field's own rules. The update DTOs' PartialType is told the same (`skipNullProperties: false`).
 */
export const Omittable = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);
